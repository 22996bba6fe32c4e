import { Buffer } from 'buffer';
import { runproofKeyId } from './browser-ed25519.js';

/** A public key the reader trusts, with its RunProof key id. */
export type PinnedKey = { readonly key_id: string; readonly public_key: string };

const STORAGE_KEY = 'aos.console.pinned-keys';
const SPKI_ED25519_PREFIX = '302a300506032b6570032100';

const rawOf = (base64: string): Uint8Array | null => {
  const bytes = new Uint8Array(Buffer.from(base64.replace(/\s+/g, ''), 'base64'));
  if (bytes.length === 32) return bytes;
  // A PEM's DER: an Ed25519 SubjectPublicKeyInfo (RFC 8410) ends with the raw key.
  const hex = Buffer.from(bytes).toString('hex');
  return bytes.length === 44 && hex.startsWith(SPKI_ED25519_PREFIX) ? bytes.subarray(12) : null;
};

const pinnedOf = (raw: Uint8Array): PinnedKey => ({
  key_id: runproofKeyId(raw),
  public_key: Buffer.from(raw).toString('base64'),
});

const recordsOf = (value: unknown): unknown[] => {
  if (Array.isArray(value)) return value.flatMap(recordsOf);
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  if (typeof record.public_key === 'string') return [record.public_key];
  return Object.values(record).flatMap(recordsOf);
};

/** The keys of a key file's text: key record JSON (one, a list, or `aos keys list --json`), a PEM,
 * or base64 raw keys one a line. Text that holds no key gives none. */
export const parseKeyText = (text: string): PinnedKey[] => {
  let candidates: unknown[];
  try {
    candidates = recordsOf(JSON.parse(text));
  } catch {
    const pem = /-----BEGIN PUBLIC KEY-----([\s\S]*?)-----END PUBLIC KEY-----/g;
    const pems = [...text.matchAll(pem)].map((m) => m[1] ?? '');
    candidates = pems.length > 0 ? pems : text.split('\n').filter((line) => line.trim() !== '');
  }
  const keys = candidates.flatMap((c) => {
    const raw = typeof c === 'string' ? rawOf(c) : null;
    return raw === null ? [] : [pinnedOf(raw)];
  });
  return keys.filter((k, i) => keys.findIndex((o) => o.key_id === k.key_id) === i);
};

/** The keys the reader pinned in this browser. */
export const loadPinnedKeys = (): PinnedKey[] => {
  try {
    return parseKeyText(window.localStorage.getItem(STORAGE_KEY) ?? '[]');
  } catch {
    return [];
  }
};

export const savePinnedKeys = (keys: readonly PinnedKey[]): void =>
  window.localStorage.setItem(STORAGE_KEY, JSON.stringify(keys));

/** The raw bytes of the pinned keys, as the verifier takes them. */
export const rawKeys = (keys: readonly PinnedKey[]): Uint8Array[] =>
  keys.map((k) => new Uint8Array(Buffer.from(k.public_key, 'base64')));
