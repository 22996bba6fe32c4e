import { pipe } from 'fp-ts/lib/function.js';
import { readFileSafely } from '../adapters/files/safe-files.js';
import type { TokenSignerConfig } from '../domain/ports/token-signer.js';
import { CliFailure, orThrow } from './cli-failure.js';
import { ExitCode } from './exit-codes.js';
import { describeFileRefusal } from './file-refusal-messages.js';

/** What seals runs and signs tree heads: the private key file of the key directory (the default),
 * or a key kept in a PKCS#11 token, which never exists in a file. */
export type SignerChoice =
  { readonly kind: 'file' } | { readonly kind: 'pkcs11'; readonly config: TokenSignerConfig };

const configError = (variable: string, message: string): CliFailure =>
  new CliFailure(ExitCode.usage, 'invalid_input', `${variable}: ${message}`, variable);

const required = (env: NodeJS.ProcessEnv, variable: string): string => {
  const value = env[variable];
  if (value === undefined || value === '') throw configError(variable, 'is required when AOS_SIGNER=pkcs11');
  return value;
};

/** The user PIN: AOS_PKCS11_PIN, or the first line of AOS_PKCS11_PIN_FILE (a regular file that
 * group and others cannot read, as a private key file); one of them, not both. */
const configuredPin = (env: NodeJS.ProcessEnv): string => {
  const { AOS_PKCS11_PIN: pin, AOS_PKCS11_PIN_FILE: path } = env;
  if (pin && path) throw configError('AOS_PKCS11_PIN_FILE', 'give the PIN or a PIN file, not both');
  if (pin) return pin;
  if (!path)
    throw configError('AOS_PKCS11_PIN', 'is required (or AOS_PKCS11_PIN_FILE) when AOS_SIGNER=pkcs11');
  const bytes = pipe(
    readFileSafely(path, { followLinks: true, access: 'private', maxBytes: 4096 }),
    orThrow((refusal) =>
      configError('AOS_PKCS11_PIN_FILE', `cannot read ${path}: it ${describeFileRefusal(refusal)}`),
    ),
  );
  const [line = ''] = bytes.toString('utf8').split(/\r?\n/);
  if (line === '') throw configError('AOS_PKCS11_PIN_FILE', `${path} holds no PIN on its first line`);
  return line;
};

/** AOS_SIGNER: `file` (or unset) or `pkcs11`, with what the token needs; anything else, or a
 * variable missing, is exit 2 naming it, before anything is opened or written. */
export const configuredSigner = (env: NodeJS.ProcessEnv): SignerChoice => {
  const signer = env.AOS_SIGNER;
  if (signer === undefined || signer === '' || signer === 'file') return { kind: 'file' };
  if (signer !== 'pkcs11')
    throw configError('AOS_SIGNER', `must be file or pkcs11, not ${JSON.stringify(signer)}`);
  return {
    kind: 'pkcs11',
    config: {
      module: required(env, 'AOS_PKCS11_MODULE'),
      tokenLabel: required(env, 'AOS_PKCS11_TOKEN_LABEL'),
      keyLabel: required(env, 'AOS_PKCS11_KEY_LABEL'),
      pin: configuredPin(env),
    },
  };
};
