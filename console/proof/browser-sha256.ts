import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

// domain/proof/sha256.ts for the browser: the same functions over @noble/hashes, put in its place
// by the console's build (scripts/bundle-console.mjs), so that the page verifies with the domain's
// one verification logic.

export type Hash = Uint8Array;

const concat = (parts: readonly Uint8Array[]): Uint8Array => {
  if (parts.length === 1) return parts[0]!;
  let length = 0;
  for (const part of parts) length += part.length;
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
};

/** SHA-256 of the parts, in order. */
export const sha256 = (...parts: readonly Uint8Array[]): Hash => nobleSha256(concat(parts));

/** SHA-256 of one prefix byte and two hashes (chain links and Merkle nodes). */
export const sha256OfPair = (prefix: number, left: Hash, right: Hash): Hash =>
  sha256(Uint8Array.of(prefix), left, right);

const encoder = new TextEncoder();

/** SHA-256 of the UTF-8 bytes of one byte `prefix` followed by `text`. */
export const sha256OfPrefixedText = (prefix: number, text: string): Hash =>
  sha256(Uint8Array.of(prefix), encoder.encode(text));

export const toHex = (bytes: Uint8Array): string => bytesToHex(bytes);

export const fromHex = (hex: string): Hash => {
  try {
    return hexToBytes(hex);
  } catch {
    return new Uint8Array(0);
  }
};
