import * as E from 'fp-ts/lib/Either.js';
import type { RunKeys } from '../application/ports/run-keys.js';
import type { Signer } from '../domain/ports/signing-keys.js';
import type { TokenSignerConfig } from '../domain/ports/token-signer.js';
import { CliFailure } from './cli-failure.js';
import { ExitCode } from './exit-codes.js';
import { configuredSigner, type SignerChoice } from './signer-config.js';

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

/** The key directory's private key file as the signer (exit 4 when it is missing or unreadable). */
const requireFileSigner = async (directory: string): Promise<Signer> => {
  const { loadSigner } = await import('../adapters/keys/key-directory.js');
  const signer = await loadSigner(directory);
  if (E.isRight(signer)) return signer.right;
  const { signingKeyMessage } = await import('./key-file-messages.js');
  const message = `${signingKeyMessage(signer.left)}; nothing was written`;
  throw new CliFailure(ExitCode.infrastructure, signer.left.kind, message);
};

/** The PKCS#11 token's key as the signer (exit 4 when the module, token, PIN or key is wrong). */
const requireTokenSigner = async (config: TokenSignerConfig): Promise<Signer> => {
  const [{ loadTokenSigner }, { tokenSignerFailure }] = await Promise.all([
    import('../adapters/keys/pkcs11-signer.js'),
    import('./token-signer-messages.js'),
  ]);
  const signer = await loadTokenSigner(config);
  if (E.isLeft(signer)) throw tokenSignerFailure(signer.left, '; nothing was written');
  return signer.right;
};

/** The signer AOS_SIGNER chooses (exit 2 when its configuration is wrong): the key directory's
 * private key file, or the key in a PKCS#11 token. */
export const requireSigner = async (directory: string, choice: SignerChoice): Promise<Signer> =>
  choice.kind === 'pkcs11' ? requireTokenSigner(choice.config) : requireFileSigner(directory);

/** The active signing key, required before a run is created: a run that cannot be sealed is not
 * started (exit 4, nothing written), nor one whose seal the key set could not verify (the signing
 * key has no public key in public-keys/: domain/ledger/sealing-key.ts). The signer is the one
 * AOS_SIGNER configures unless `choice` says (the demo always signs with its own key file). */
export const requireRunKeys = async (
  directory: string,
  choice: SignerChoice = configuredSigner(process.env),
): Promise<RunKeys> => {
  const signer = await requireSigner(directory, choice);
  const knownKeys = await loadKnownKeys(directory);
  const [{ sealingKeyProblem }, { sealingKeyNotInKeySetMessage }] = await Promise.all([
    import('../domain/ledger/sealing-key.js'),
    import('./key-file-messages.js'),
  ]);
  const unknown = sealingKeyProblem(signer, knownKeys);
  if (unknown !== null)
    throw new CliFailure(
      ExitCode.infrastructure,
      unknown.kind,
      `${sealingKeyNotInKeySetMessage(directory, unknown, choice.kind)}; nothing was written`,
    );
  return { signer, knownKeys };
};

export const keysDirectoryOf = async (env: NodeJS.ProcessEnv): Promise<string> => {
  const { keyDirectory } = await import('../adapters/keys/key-directory.js');
  return keyDirectory(env);
};
