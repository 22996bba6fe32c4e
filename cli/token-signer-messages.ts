import type { TokenSignerError } from '../domain/ports/token-signer.js';
import { CliFailure } from './cli-failure.js';
import { ExitCode } from './exit-codes.js';

const quoted = (text: string): string => JSON.stringify(text);

/** What went wrong with the PKCS#11 token, and what to do about it. The PIN is never shown. */
export const tokenSignerMessage = (error: TokenSignerError): string => {
  switch (error.kind) {
    case 'pkcs11_module_unloadable':
      return `the PKCS#11 module ${error.module} (AOS_PKCS11_MODULE) cannot be loaded: ${error.message}`;
    case 'pkcs11_token_not_found':
      return `no PKCS#11 token labelled ${quoted(error.tokenLabel)} (AOS_PKCS11_TOKEN_LABEL); tokens present: ${
        error.available.length === 0 ? 'none' : error.available.map(quoted).join(', ')
      }`;
    case 'pkcs11_pin_incorrect':
      return `the PIN for the PKCS#11 token ${quoted(error.tokenLabel)} is incorrect (AOS_PKCS11_PIN or AOS_PKCS11_PIN_FILE)`;
    case 'pkcs11_pin_locked':
      return `the user PIN of the PKCS#11 token ${quoted(error.tokenLabel)} is locked: its security officer must unlock it`;
    case 'pkcs11_key_not_found':
      return `no key labelled ${quoted(error.keyLabel)} (AOS_PKCS11_KEY_LABEL) in the PKCS#11 token ${quoted(error.tokenLabel)}: create it with \`aos-int keys init\` (AOS_SIGNER=pkcs11)`;
    case 'pkcs11_key_ambiguous':
      return `${error.count} private keys are labelled ${quoted(error.keyLabel)} in the PKCS#11 token ${quoted(error.tokenLabel)}: the label must name one key`;
    case 'pkcs11_key_unusable':
      return `the key ${quoted(error.keyLabel)} in the PKCS#11 token ${quoted(error.tokenLabel)} cannot seal: ${error.message}`;
    case 'pkcs11_failed':
      return `the PKCS#11 token refused ${error.operation}: ${error.code}`;
  }
};

/** A token failure as the CLI reports it: exit 4 (like a missing or unreadable key file), its
 * kind as the error code. */
export const tokenSignerFailure = (error: TokenSignerError, suffix = ''): CliFailure =>
  new CliFailure(ExitCode.infrastructure, error.kind, `${tokenSignerMessage(error)}${suffix}`);
