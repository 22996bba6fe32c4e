import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { lstat, chmod, mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type {
  KeyFileRefused,
  PublicKeyRecord,
  Signer,
  SigningKeyError,
} from '../../domain/ports/signing-keys.js';
import { runproofKeyId } from '../../domain/proof/ed25519-keys.js';
import { signNote } from '../../domain/proof/signed-note.js';
import { checkTrustedDirectory, readFileSafely } from '../files/safe-files.js';
import { defaultAosHome } from '../postgres/embedded/aos-home.js';

/** Where signing keys live: AOS_KEYS_DIR, else AOS_HOME/keys. Outside the database on purpose:
 * whoever can rewrite the database must still be unable to produce a valid seal. */
export const keyDirectory = (env: NodeJS.ProcessEnv): string =>
  resolve(env.AOS_KEYS_DIR || join(env.AOS_HOME || defaultAosHome(), 'keys'));

/** The demo's own key pair (created on first use): the demo never signs with the operator's key. */
export const demoKeyDirectory = (env: NodeJS.ProcessEnv): string =>
  resolve(env.AOS_DEMO_KEYS_DIR || join(env.AOS_HOME || defaultAosHome(), 'demo-keys'));

const privateKeyPath = (directory: string) => join(directory, 'signing-key.pem');
const publicKeysPath = (directory: string) => join(directory, 'public-keys');

/**
 * Keys are trusted only from a key directory and a public-keys/ directory that are themselves
 * directories (not links), of this user (or root), that group and others cannot write; from key
 * files that are regular files (not links, FIFOs or devices: a FIFO would make a command wait
 * forever, /dev/zero would never end) of at most 64 kB; and a private key only when group and
 * others have no access to it at all. Anything else is refused, not read (adapters/files).
 */
const KEY_FILE_MAX_BYTES = 64 * 1024;

/** Thrown by listPublicKeys (whose callers treat any failure as the key directory's). */
export class KeyFileRefusedError extends Error {
  constructor(readonly refused: KeyFileRefused) {
    super(`${refused.path} is refused (${refused.refusal.kind})`);
    this.name = 'KeyFileRefusedError';
  }
}

/** null when the directory is there and safe to trust. */
const checkKeyDirectory = (path: string): null | 'missing' | KeyFileRefused => {
  const refusal = checkTrustedDirectory(path);
  if (refusal === null) return null;
  return refusal.kind === 'missing' ? 'missing' : { kind: 'key_file_refused', path, refusal };
};

const readKeyFile = (path: string, access: 'private' | 'owner_writes') =>
  readFileSafely(path, { followLinks: false, access, maxBytes: KEY_FILE_MAX_BYTES });

export const rawPublicKeyOf = (key: KeyObject): Uint8Array => {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  return new Uint8Array(Buffer.from(String(jwk.x), 'base64url'));
};

const keyIdOf = runproofKeyId;

/** A directory just made that is not there (removed meanwhile): refused as unreadable. */
const missingAfterMkdir = (path: string): KeyFileRefused => ({
  kind: 'key_file_refused',
  path,
  refusal: { kind: 'unreadable', code: 'ENOENT' },
});

const writeAtomically = async (path: string, text: string, mode: number): Promise<void> => {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode, flag: 'wx' });
  await chmod(temporary, mode);
  await rename(temporary, path);
};

/** The public keys of the key directory (none when it or its public-keys/ is absent); throws
 * KeyFileRefusedError for a directory or record that is not safe to trust. */
export const listPublicKeys = async (directory: string): Promise<PublicKeyRecord[]> => {
  for (const path of [directory, publicKeysPath(directory)]) {
    const checked = checkKeyDirectory(path);
    if (checked === 'missing') return [];
    if (checked !== null) throw new KeyFileRefusedError(checked);
  }
  const names = await readdir(publicKeysPath(directory));
  const records: PublicKeyRecord[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const path = join(publicKeysPath(directory), name);
    const read = readKeyFile(path, 'owner_writes');
    if (E.isLeft(read)) throw new KeyFileRefusedError({ kind: 'key_file_refused', path, refusal: read.left });
    records.push(JSON.parse(read.right.toString('utf8')) as PublicKeyRecord);
  }
  return records.sort((a, b) => a.created_at.localeCompare(b.created_at));
};

/** Writes the public key record of raw into public-keys/ (made if absent), as the active key. */
const writePublicKeyRecord = async (
  directory: string,
  raw: Uint8Array,
  now: string,
): Promise<PublicKeyRecord> => {
  const record: PublicKeyRecord = {
    key_id: keyIdOf(raw),
    algorithm: 'Ed25519',
    public_key: Buffer.from(raw).toString('base64'),
    created_at: now,
    retired_at: null,
  };
  await mkdir(publicKeysPath(directory), { recursive: true, mode: 0o755 });
  const checked = checkKeyDirectory(publicKeysPath(directory));
  if (checked !== null)
    throw new KeyFileRefusedError(checked === 'missing' ? missingAfterMkdir(directory) : checked);
  await writeAtomically(
    join(publicKeysPath(directory), `${record.key_id}.json`),
    `${JSON.stringify(record, null, 2)}\n`,
    0o644,
  );
  return record;
};

const newKey = async (directory: string, now: string): Promise<PublicKeyRecord> => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const record = await writePublicKeyRecord(directory, rawPublicKeyOf(privateKey), now);
  await writeAtomically(
    privateKeyPath(directory),
    privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    0o600,
  );
  return record;
};

export type KeyInitError = { readonly kind: 'key_exists'; readonly path: string } | KeyFileRefused;

/** The key directory, made if absent: parents as a home directory would be (0755: the embedded
 * server's account must pass through AOS_HOME); the key directory itself private. */
const makeKeyDirectory = async (directory: string): Promise<KeyFileRefused | null> => {
  await mkdir(dirname(directory), { recursive: true, mode: 0o755 });
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const checked = checkKeyDirectory(directory);
  return checked === 'missing' ? missingAfterMkdir(directory) : checked;
};

/** `keys init` with a key kept elsewhere (a PKCS#11 token): its public key joins the key set (its
 * record is kept if there already); no private key file is written. Throws KeyFileRefusedError. */
export const registerPublicKey = async (
  directory: string,
  raw: Uint8Array,
  now: string,
): Promise<E.Either<KeyFileRefused, PublicKeyRecord>> => {
  const refused = await makeKeyDirectory(directory);
  if (refused !== null) return E.left(refused);
  const known = (await listPublicKeys(directory)).find((record) => record.key_id === keyIdOf(raw));
  return E.right(known ?? (await writePublicKeyRecord(directory, raw, now)));
};

/** `keys init`: creates the first key pair; refuses to replace an existing private key. */
export const initKeys = async (
  directory: string,
  now: string,
): Promise<E.Either<KeyInitError, PublicKeyRecord>> => {
  const refused = await makeKeyDirectory(directory);
  if (refused !== null) return E.left(refused);
  // Anything at the key's path, a link or a FIFO too, is an existing key: not replaced, not read.
  const existing = await lstat(privateKeyPath(directory)).then(
    () => true,
    () => false,
  );
  if (existing) return E.left({ kind: 'key_exists', path: privateKeyPath(directory) });
  return E.right(await newKey(directory, now));
};

/** `keys rotate`: a new active key; the old public key stays (retired) to verify old seals, the
 * old private key is overwritten. */
/** A private key file that cannot be read as an Ed25519 key is renamed beside itself (kept, it may
 * be evidence), the public keys not yet retired are marked retired (they keep verifying their
 * seals), and a new key is made. Only on the operator's word (`keys rotate --replace-unreadable`). */
const replaceUnreadableKey = async (
  directory: string,
  now: string,
): Promise<{ retired: PublicKeyRecord | null; active: PublicKeyRecord }> => {
  const records = await listPublicKeys(directory);
  await rename(
    privateKeyPath(directory),
    `${privateKeyPath(directory)}.unreadable-${now.replace(/[:.]/g, '-')}`,
  );
  let retired: PublicKeyRecord | null = null;
  for (const record of records) {
    if (record.retired_at !== null) continue;
    retired = { ...record, retired_at: now };
    await writeAtomically(
      join(publicKeysPath(directory), `${record.key_id}.json`),
      `${JSON.stringify(retired, null, 2)}\n`,
      0o644,
    );
  }
  return { retired, active: await newKey(directory, now) };
};

export const rotateKeys = async (
  directory: string,
  now: string,
  options: { readonly replaceUnreadable?: boolean } = {},
): Promise<E.Either<SigningKeyError, { retired: PublicKeyRecord | null; active: PublicKeyRecord }>> => {
  const current = await loadSigner(directory);
  if (E.isLeft(current)) {
    if (current.left.kind === 'signing_key_unreadable' && options.replaceUnreadable === true)
      return E.right(await replaceUnreadableKey(directory, now));
    return current;
  }
  const records = await listPublicKeys(directory);
  const old = records.find((r) => r.key_id === current.right.keyId);
  const retired: PublicKeyRecord = old
    ? { ...old, retired_at: now }
    : {
        key_id: current.right.keyId,
        algorithm: 'Ed25519',
        public_key: Buffer.from(current.right.publicKey).toString('base64'),
        created_at: now,
        retired_at: now,
      };
  await writeAtomically(
    join(publicKeysPath(directory), `${retired.key_id}.json`),
    `${JSON.stringify(retired, null, 2)}\n`,
    0o644,
  );
  return E.right({ retired, active: await newKey(directory, now) });
};

/** The active private key as a signer; a missing or unreadable key is an error, never a silent
 * unsigned run. */
export const loadSigner = async (directory: string): Promise<E.Either<SigningKeyError, Signer>> => {
  const path = privateKeyPath(directory);
  const checked = checkKeyDirectory(directory);
  if (checked === 'missing') return E.left({ kind: 'no_signing_key', path });
  if (checked !== null) return E.left(checked);
  const read = readKeyFile(path, 'private');
  if (E.isLeft(read)) {
    const refusal = read.left;
    if (refusal.kind === 'missing') return E.left({ kind: 'no_signing_key', path });
    if (refusal.kind === 'unreadable')
      return E.left({ kind: 'signing_key_unreadable', path, message: refusal.code });
    return E.left({ kind: 'key_file_refused', path, refusal });
  }
  const pem = read.right.toString('utf8');
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    return E.left({ kind: 'signing_key_unreadable', path, message: (error as Error).message });
  }
  if (key.asymmetricKeyType !== 'ed25519')
    return E.left({
      kind: 'signing_key_unreadable',
      path,
      message: `not an Ed25519 key (${key.asymmetricKeyType})`,
    });
  const publicKey = rawPublicKeyOf(key);
  return E.right({
    keyId: keyIdOf(publicKey),
    publicKey,
    sign: (message) => new Uint8Array(sign(null, message, key)),
    signNote: (body, name) => {
      const note = signNote(body, name, key, publicKey);
      if (E.isLeft(note)) throw new Error(`cannot sign note: ${note.left.message}`);
      return note.right;
    },
  });
};
