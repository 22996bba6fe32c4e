import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

// domain/proof/sha256.ts for the browser: the same functions over @noble/hashes, put in its place
// by the console's build (scripts/bundle-console.mjs), so that the page verifies with the domain's
// one verification logic.

export type Hash = Uint8Array;

/** SHA-256 of the parts, in order (fed to one hasher: no joined copy). */
export const sha256 = (...parts: readonly Uint8Array[]): Hash => {
  if (parts.length === 1) return nobleSha256(parts[0]!);
  const hasher = nobleSha256.create();
  for (const part of parts) hasher.update(part);
  return hasher.digest();
};

const pair = new Uint8Array(65);

/** SHA-256 of one prefix byte and two hashes (chain links and Merkle nodes): through one buffer
 * kept for it (a run's proof hashes two of them per event). */
export const sha256OfPair = (prefix: number, left: Hash, right: Hash): Hash => {
  if (left.length !== 32 || right.length !== 32) return sha256(Uint8Array.of(prefix), left, right);
  pair[0] = prefix;
  pair.set(left, 1);
  pair.set(right, 33);
  return nobleSha256(pair);
};

const encoder = new TextEncoder();
/** The bytes of the last text hashed, kept and grown: a run's proof hashes one text per event. */
let textBytes = new Uint8Array(4096);

/** SHA-256 of the UTF-8 bytes of one byte `prefix` followed by `text`. */
export const sha256OfPrefixedText = (prefix: number, text: string): Hash => {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  if (textBytes.length < 1 + text.length * 3) textBytes = new Uint8Array(2 * (1 + text.length * 3));
  textBytes[0] = prefix;
  const { written } = encoder.encodeInto(text, textBytes.subarray(1));
  return nobleSha256(textBytes.subarray(0, 1 + written));
};

export const toHex = (bytes: Uint8Array): string => bytesToHex(bytes);

export const fromHex = (hex: string): Hash => {
  try {
    return hexToBytes(hex);
  } catch {
    return new Uint8Array(0);
  }
};
