import * as E from 'fp-ts/lib/Either.js';
import type { PublicKeyRecord } from '../domain/ports/signing-keys.js';
import type { TokenSignerConfig } from '../domain/ports/token-signer.js';
import { infrastructureError } from './cli-failure.js';
import type { CommandResult } from './command-output.js';
import { ExitCode } from './exit-codes.js';
import { shown } from './terminal-text.js';

/** `aos-int keys init` with AOS_SIGNER=pkcs11: the Ed25519 key pair is generated inside the token
 * (sensitive, not extractable) unless the key label already names one, and its public key joins
 * the key set (public-keys/<key_id>.json). No private key file is written, ever. */
export const initTokenKey = async (config: TokenSignerConfig, directory: string): Promise<CommandResult> => {
  const [{ createTokenKey }, { registerPublicKey }, { tokenSignerFailure }, { keyFileRefusedMessage }] =
    await Promise.all([
      import('../adapters/keys/pkcs11-signer.js'),
      import('../adapters/keys/key-directory.js'),
      import('./token-signer-messages.js'),
      import('./key-file-messages.js'),
    ]);
  const key = await createTokenKey(config);
  if (E.isLeft(key)) throw tokenSignerFailure(key.left, '; nothing was written');
  const registered = await registerPublicKey(directory, key.right.publicKey, new Date().toISOString());
  if (E.isLeft(registered)) throw infrastructureError(keyFileRefusedMessage(registered.left));
  const active = registered.right;
  const made = key.right.created ? 'created in' : 'already in';
  return {
    exitCode: ExitCode.ok,
    json: {
      directory,
      signer: 'pkcs11',
      token_label: config.tokenLabel,
      key_label: config.keyLabel,
      created: key.right.created,
      active,
    },
    text: [
      `signing key ${made} the PKCS#11 token ${shown(JSON.stringify(config.tokenLabel))}: key_id ${active.key_id}`,
      `private key: in the token only (label ${shown(JSON.stringify(config.keyLabel))}, sensitive, not extractable)`,
      `public keys: ${shown(directory)}/public-keys/`,
    ].join('\n'),
  };
};

/** The public key record of the active signer, as public-keys/<key_id>.json holds it (the record
 * the key set has, else one made now): what `aos verify --public-key` takes. */
export const publicKeyRecordOf = (
  signer: { readonly keyId: string; readonly publicKey: Uint8Array },
  keySet: readonly PublicKeyRecord[],
): PublicKeyRecord =>
  keySet.find((record) => record.key_id === signer.keyId) ?? {
    key_id: signer.keyId,
    algorithm: 'Ed25519',
    public_key: Buffer.from(signer.publicKey).toString('base64'),
    created_at: new Date().toISOString(),
    retired_at: null,
  };
