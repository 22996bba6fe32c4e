import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BundleTrust } from '../domain/bundle/bundle-verification.js';
import { usageError } from './cli-failure.js';
import { readPublicKeyFile } from './public-key-file.js';
import { keysDirectoryOf, loadKnownKeys } from './signing-keys.js';

/** What `aos verify` was told to trust, as its options say it. */
export type TrustOptions = {
  readonly publicKeys: readonly string[];
  readonly trustedKeysDirectory: string | undefined;
  readonly trustEmbeddedKey: boolean;
};

/** Every key file of a directory the auditor keeps their trusted keys in (key records, PEM, or
 * base64 of the raw key; dot files skipped): a file that is not a key is a usage error. */
const readTrustedKeysDirectory = async (directory: string): Promise<Uint8Array[]> => {
  let names: string[];
  try {
    names = (await readdir(directory)).filter((name) => !name.startsWith('.')).sort();
  } catch (error) {
    throw usageError('trusted-keys', `cannot read the directory ${directory}: ${(error as Error).message}`);
  }
  return Promise.all(names.map((name) => readPublicKeyFile(join(directory, name), 'trusted-keys')));
};

/** The keys a verdict may rest on: those given (`--public-key`, `--trusted-keys`) and the
 * operator's own trust store (AOS_KEYS_DIR/public-keys), never a key found only in the bundle;
 * or the bundle's own keys when `--trust-embedded-key` is said, which excludes giving keys. */
export const resolveVerifyTrust = async (options: TrustOptions): Promise<BundleTrust> => {
  const given = options.publicKeys.length > 0 || options.trustedKeysDirectory !== undefined;
  if (options.trustEmbeddedKey) {
    if (given)
      throw usageError(
        'trust-embedded-key',
        'cannot be combined with --public-key or --trusted-keys: either trust the keys you give, or the bundle',
      );
    return 'embedded';
  }
  const pinned = await Promise.all(options.publicKeys.map((path) => readPublicKeyFile(path)));
  const directory =
    options.trustedKeysDirectory === undefined
      ? []
      : await readTrustedKeysDirectory(options.trustedKeysDirectory);
  const own = await loadKnownKeys(await keysDirectoryOf(process.env));
  return [...pinned, ...directory, ...own.values()];
};

/** What an auditor can do when no key was trusted. */
export const NO_TRUSTED_KEY_HINT =
  'give the key you obtained independently with --public-key FILE or --trusted-keys DIR, or say --trust-embedded-key to take the bundle at its word';
