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
    throw new CliFailure(
      ExitCode.infrastructure,
      'public_keys_unreadable',
      `cannot read the public keys in ${directory}: ${(error as Error).message}`,
    );
  }
};

/** The active signing key, required before a run is created: a run that cannot be sealed is not
 * started (exit 4, nothing written). */
export const requireRunKeys = async (directory: string): Promise<RunKeys> => {
  const { loadSigner } = await import('../adapters/keys/key-directory.js');
  const signer = await loadSigner(directory);
  if (signer._tag === 'Left') {
    const error = signer.left;
    const message =
      error.kind === 'no_signing_key'
        ? `no signing key at ${error.path}: create one with \`aos-int keys init\` (or point AOS_KEYS_DIR at the key directory); nothing was written`
        : `the signing key ${error.path} is unreadable (${error.message}); nothing was written`;
    throw new CliFailure(ExitCode.infrastructure, error.kind, message);
  }
  return { signer: signer.right, knownKeys: await loadKnownKeys(directory) };
};

export const keysDirectoryOf = async (env: NodeJS.ProcessEnv): Promise<string> => {
  const { keyDirectory } = await import('../adapters/keys/key-directory.js');
  return keyDirectory(env);
};
