import { createPrivateKey, type KeyObject } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { readFileSafely } from '../adapters/files/safe-files.js';
import { rawPublicKey } from '../domain/proof/ed25519-keys.js';
import { orThrow, usageError } from './cli-failure.js';
import { describeFileRefusal } from './file-refusal-messages.js';

/** A witness's Ed25519 private key: PKCS #8 PEM, as `openssl genpkey -algorithm ed25519` writes it,
 * in a regular file no one else may read. Anything else is a usage error naming `--key`. */
export const readWitnessKeyFile = (
  path: string,
): { readonly privateKey: KeyObject; readonly rawPublicKey: Uint8Array } => {
  const bytes = pipe(
    readFileSafely(path, { followLinks: true, access: 'private', maxBytes: 64 * 1024 }),
    orThrow((refusal) => usageError('key', `cannot read ${path}: it ${describeFileRefusal(refusal)}`)),
  );
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: bytes, format: 'pem' });
  } catch {
    throw usageError(
      'key',
      `${path} is not a PEM private key (openssl genpkey -algorithm ed25519 writes one)`,
    );
  }
  const raw = rawPublicKey(privateKey);
  if (E.isLeft(raw)) throw usageError('key', `${path}: ${raw.left.message}`);
  return { privateKey, rawPublicKey: raw.right };
};
