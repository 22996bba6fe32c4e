import type { FileRefusal } from './file-refusal.js';

/** A public key that verifies RunProof seals, listed by its key_id (first 16 hex digits of
 * SHA-256 of the raw 32-byte Ed25519 public key). */
export type PublicKeyRecord = {
  readonly key_id: string;
  readonly algorithm: 'Ed25519';
  /** Raw 32-byte public key, base64. */
  readonly public_key: string;
  readonly created_at: string;
  /** Set when a rotation replaced it: it still verifies old seals, it signs nothing new. */
  readonly retired_at: string | null;
};

/** A key file or key directory not used because it is not safe to trust: a link, not a regular
 * file (a FIFO, a device), writable by others, a private key others may read, too large. */
export type KeyFileRefused = {
  readonly kind: 'key_file_refused';
  readonly path: string;
  readonly refusal: FileRefusal;
};

export type SigningKeyError =
  | { readonly kind: 'no_signing_key'; readonly path: string }
  | { readonly kind: 'signing_key_unreadable'; readonly path: string; readonly message: string }
  | KeyFileRefused;

/** Signs seals with the active private key. */
export type Signer = {
  readonly keyId: string;
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
  /** Signs a C2SP signed-note body (ending in a newline) under `name`; returns the whole note. */
  signNote(body: string, name: string): string;
};
