import * as ed from '@noble/ed25519';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

// domain/proof/ed25519-keys.ts for the browser, put in its place by the console's build: the page
// verifies (RFC 8032 with @noble/ed25519, synchronous over @noble/hashes' SHA-512); it never signs.

ed.hashes.sha512 = sha512;

/** @public (the domain's imports reach it through the build's alias) */
export const ED25519_PUBLIC_KEY_BYTES = 32;
const ED25519_SIGNATURE_BYTES = 64;

/** Whether signature is a valid Ed25519 signature of message by the raw public key; false, never a
 * throw, on malformed keys or signatures.
 * @public */
export const verifyEd25519 = (raw: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean => {
  if (signature.length !== ED25519_SIGNATURE_BYTES || raw.length !== ED25519_PUBLIC_KEY_BYTES) return false;
  try {
    // RFC 8032 strict (zip215: false), as Node's (OpenSSL's) verify on the server side.
    return ed.verify(signature, message, raw, { zip215: false });
  } catch {
    return false;
  }
};

const noSigning = (): never => {
  throw new Error('the console verifies: it holds no private key and signs nothing');
};

/** Not in the browser: the page has no private key. @public */
export const signEd25519 = noSigning;
/** Not in the browser: the page has no private key. @public */
export const isPrivateKeyFor = (): boolean => false;

/** RunProof key_id: the first 16 lowercase hex digits of SHA-256(raw 32-byte public key). */
export const runproofKeyId = (raw: Uint8Array): string => bytesToHex(sha256(raw)).slice(0, 16);
