import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { sha256, toHex } from './sha256.js';

export const ED25519_PUBLIC_KEY_BYTES = 32;
const ED25519_SEED_BYTES = 32;
const ED25519_SIGNATURE_BYTES = 64;

export type Ed25519KeyError = {
  readonly kind: 'invalid_private_key' | 'not_ed25519_key';
  readonly message: string;
};

/** DER prefixes of an Ed25519 SubjectPublicKeyInfo and PKCS #8 PrivateKeyInfo (RFC 8410). */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const isEd25519 = (key: KeyObject): boolean => key.asymmetricKeyType === 'ed25519';

/** The raw 32-byte public key of an Ed25519 KeyObject (public or private). */
export const rawPublicKey = (key: KeyObject): E.Either<Ed25519KeyError, Uint8Array> => {
  if (!isEd25519(key) || key.type === 'secret') {
    return E.left({
      kind: 'not_ed25519_key',
      message: `expected an Ed25519 key, got ${key.asymmetricKeyType ?? key.type}`,
    });
  }
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const der = pub.export({ format: 'der', type: 'spki' });
  return E.right(new Uint8Array(der.subarray(SPKI_PREFIX.length)));
};

/** A private KeyObject from a 32-byte RFC 8032 seed (the Go `ed25519.NewKeyFromSeed` input). */
export const privateKeyFromSeed = (seed: Uint8Array): E.Either<Ed25519KeyError, KeyObject> =>
  seed.length === ED25519_SEED_BYTES
    ? E.right(createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' }))
    : E.left({ kind: 'invalid_private_key', message: `Ed25519 seed must be 32 bytes, got ${seed.length}` });

/** A public KeyObject from the raw 32 bytes, or undefined when the bytes are not a usable key. */
const publicKeyObject = (raw: Uint8Array): KeyObject | undefined => {
  if (raw.length !== ED25519_PUBLIC_KEY_BYTES) return undefined;
  try {
    return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
};

/** Ed25519 (RFC 8032, pure) signature of message. The key must be an Ed25519 private key. */
export const signEd25519 = (privateKey: KeyObject, message: Uint8Array): Uint8Array =>
  new Uint8Array(sign(null, message, privateKey));

/** Whether signature is a valid Ed25519 signature of message by the raw public key; false, never a
 * throw, on malformed keys or signatures. */
export const verifyEd25519 = (raw: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean => {
  if (signature.length !== ED25519_SIGNATURE_BYTES) return false;
  const key = publicKeyObject(raw);
  if (key === undefined) return false;
  try {
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
};

/** Whether the private key is an Ed25519 private key whose public half is the given raw key. */
export const isPrivateKeyFor = (privateKey: KeyObject, raw: Uint8Array): boolean => {
  if (privateKey.type !== 'private') return false;
  return pipe(
    rawPublicKey(privateKey),
    E.exists((derived) => Buffer.from(derived).equals(Buffer.from(raw))),
  );
};

/** RunProof key_id: the first 16 lowercase hex digits of SHA-256(raw 32-byte public key). */
export const runproofKeyId = (raw: Uint8Array): string => toHex(sha256(raw)).slice(0, 16);
