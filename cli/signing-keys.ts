import * as E from 'fp-ts/lib/Either.js';
import type { RunKeys } from '../application/ports/run-keys.js';
import { CliFailure } from './cli-failure.js';
import { ExitCode } from './exit-codes.js';

/** Public keys of AOS_KEYS_DIR (else AOS_HOME/keys), by key_id; none when the directory is absent. */
export const loadKnownKeys = async (directory: string): Promise<Map<string, Uint8Array>> => {
  const { listPublicKeys } = await import('../adapters/keys/key-directory.js');
  try {
    const records = await listPublicKeys(directory);
    return new Map(records.map((r) => [r.key_id, new Uint8Array(Buffer.from(r.public_key, 'base64'))]));
  } catch (error) {
    const { keyDirectoryFailure } = await import('./key-file-messages.js');
    throw keyDirectoryFailure(
      error,
      (message) =>
        new CliFailure(
          ExitCode.infrastructure,
          'public_keys_unreadable',
          `cannot read the public keys in ${directory}: ${message}`,
        ),
    );
  }
};

/** The active signing key, required before a run is created: a run that cannot be sealed is not
 * started (exit 4, nothing written), nor one whose seal the key set could not verify (the signing
 * key has no public key in public-keys/: domain/ledger/sealing-key.ts). */
export const requireRunKeys = async (directory: string): Promise<RunKeys> => {
  const { loadSigner } = await import('../adapters/keys/key-directory.js');
  const signer = await loadSigner(directory);
  if (E.isLeft(signer)) {
    const { signingKeyMessage } = await import('./key-file-messages.js');
    const message = `${signingKeyMessage(signer.left)}; nothing was written`;
    throw new CliFailure(ExitCode.infrastructure, signer.left.kind, message);
  }
  const knownKeys = await loadKnownKeys(directory);
  const [{ sealingKeyProblem }, { sealingKeyNotInKeySetMessage }] = await Promise.all([
    import('../domain/ledger/sealing-key.js'),
    import('./key-file-messages.js'),
  ]);
  const unknown = sealingKeyProblem(signer.right, knownKeys);
  if (unknown !== null)
    throw new CliFailure(
      ExitCode.infrastructure,
      unknown.kind,
      `${sealingKeyNotInKeySetMessage(directory, unknown)}; nothing was written`,
    );
  return { signer: signer.right, knownKeys };
};

export const keysDirectoryOf = async (env: NodeJS.ProcessEnv): Promise<string> => {
  const { keyDirectory } = await import('../adapters/keys/key-directory.js');
  return keyDirectory(env);
};
