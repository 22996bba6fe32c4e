import { KeyFileRefusedError } from '../adapters/keys/key-directory.js';
import type { SealingKeyNotInKeySet } from '../domain/ledger/sealing-key.js';
import type { KeyFileRefused, SigningKeyError } from '../domain/ports/signing-keys.js';
import { CliFailure } from './cli-failure.js';
import { ExitCode } from './exit-codes.js';
import { describeFileRefusal } from './file-refusal-messages.js';

const subject = (path: string): string =>
  path.endsWith('.pem')
    ? 'the signing key'
    : path.endsWith('.json')
      ? 'the public key record'
      : 'the key directory';

/** A key file or directory refused as unsafe to trust: what it is, and what to do about it. */
export const keyFileRefusedMessage = ({ path, refusal }: KeyFileRefused): string => {
  const advice =
    refusal.kind === 'symbolic_link'
      ? ': put the file or directory itself there, or point AOS_KEYS_DIR at the real directory'
      : refusal.kind === 'accessible_by_others'
        ? '; if others may have read it, rotate the key afterwards (`aos-int keys rotate`)'
        : '';
  return `${subject(path)} ${path} ${describeFileRefusal(refusal)}${advice}; keys are used only from files and directories that no one else can change or read`;
};

export const signingKeyMessage = (error: SigningKeyError): string => {
  switch (error.kind) {
    case 'no_signing_key':
      return `no signing key at ${error.path}: create one with \`aos-int keys init\` (or point AOS_KEYS_DIR at the key directory)`;
    case 'signing_key_unreadable':
      return `the signing key ${error.path} is unreadable (${error.message})`;
    case 'key_file_refused':
      return keyFileRefusedMessage(error);
  }
};

export const sealingKeyNotInKeySetMessage = (
  directory: string,
  error: SealingKeyNotInKeySet,
  signer: 'file' | 'pkcs11' = 'file',
): string =>
  signer === 'pkcs11'
    ? `the signing key in the PKCS#11 token (key ${error.key_id}) is not in the key set ${directory}/public-keys/: its seals would fail every proof and verify-all made with these keys, so none is made. If it is your key, add its public key with \`aos-int keys init\` (AOS_SIGNER=pkcs11), which registers the token's key`
    : `the signing key ${directory}/signing-key.pem (key ${error.key_id}) is not in the key set ${directory}/public-keys/: its seals would fail every proof and verify-all made with these keys, so none is made. If it is your key, restore its record public-keys/${error.key_id}.json; if not, the signing key was replaced: put yours back`;

/** A failure reading the key directory's public keys: a refused file says so, anything else as
 * `otherwise` has it. */
export const keyDirectoryFailure = (
  error: unknown,
  otherwise: (message: string) => CliFailure,
): CliFailure =>
  error instanceof KeyFileRefusedError
    ? new CliFailure(ExitCode.infrastructure, 'key_file_refused', keyFileRefusedMessage(error.refused))
    : otherwise(error instanceof Error ? error.message : String(error));
