import { createPublicKey } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { readFileSafely } from '../adapters/files/safe-files.js';
import { rawPublicKey } from '../domain/proof/ed25519-keys.js';
import { orThrow, usageError } from './cli-failure.js';
import { describeFileRefusal } from './file-refusal-messages.js';

/** The auditor's trusted key, from a file: a public-keys/<key_id>.json record (as `aos-int keys
 * list` shows them), a PEM "PUBLIC KEY", or the base64 of the raw 32 bytes. A regular file of at
 * most 64 kB (not a FIFO, not /dev/zero), refused from fstat before it is read. */
export const readPublicKeyFile = async (path: string, option = 'public-key'): Promise<Uint8Array> => {
  const bytes = pipe(
    readFileSafely(path, { followLinks: true, access: 'anyone', maxBytes: 64 * 1024 }),
    orThrow((refusal) => usageError(option, `cannot read ${path}: it ${describeFileRefusal(refusal)}`)),
  );
  const text = bytes.toString('utf8').trim();
  let raw: Uint8Array | undefined;
  try {
    if (text.startsWith('{')) {
      const record = JSON.parse(text) as { public_key?: unknown };
      if (typeof record.public_key === 'string')
        raw = new Uint8Array(Buffer.from(record.public_key, 'base64'));
    } else if (text.includes('BEGIN PUBLIC KEY')) {
      const extracted = rawPublicKey(createPublicKey(text));
      if (E.isRight(extracted)) raw = extracted.right;
    } else if (/^[A-Za-z0-9+/]{43}=$/.test(text)) {
      raw = new Uint8Array(Buffer.from(text, 'base64'));
    }
  } catch {
    raw = undefined;
  }
  if (raw === undefined || raw.length !== 32)
    throw usageError(
      option,
      `${path} is not an Ed25519 public key (a key record JSON, a PEM PUBLIC KEY, or base64 of 32 bytes)`,
    );
  return raw;
};
