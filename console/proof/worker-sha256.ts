import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { createSHA256 } from 'hash-wasm';

// domain/proof/sha256.ts for the verifying worker (console/verify-worker.ts): the same functions
// over hash-wasm's WebAssembly SHA-256, put in its place by the console's build
// (scripts/bundle-console.mjs), so that the page verifies with the domain's one verification logic.
// The page itself (a few hashes: keys, a ledger's consistency) keeps browser-sha256.ts, and
// loads no WebAssembly before its first paint.

export type Hash = Uint8Array;

// SHA-256 in WebAssembly (hash-wasm): on the short inputs a run's proof hashes by the hundred
// thousand (links, Merkle nodes, leaves) about twice as fast as @noble/hashes' JavaScript, and
// synchronous once compiled (here, before the module's first use: the page allows
// 'wasm-unsafe-eval', server/console/security-headers.ts).
const hasher = await createSHA256();

/** SHA-256 of the parts, in order (fed to the hasher one after the other: no joined copy). */
export const sha256 = (...parts: readonly Uint8Array[]): Hash => {
  hasher.init();
  for (const part of parts) hasher.update(part);
  return hasher.digest('binary');
};

const pair = new Uint8Array(65);

/** SHA-256 of one prefix byte and two hashes (chain links and Merkle nodes): through one buffer
 * kept for it (a run's proof hashes two of them per event). */
export const sha256OfPair = (prefix: number, left: Hash, right: Hash): Hash => {
  if (left.length !== 32 || right.length !== 32) return sha256(Uint8Array.of(prefix), left, right);
  pair[0] = prefix;
  pair.set(left, 1);
  pair.set(right, 33);
  return sha256(pair);
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
  return sha256(textBytes.subarray(0, 1 + written));
};

export const toHex = (bytes: Uint8Array): string => bytesToHex(bytes);

export const fromHex = (hex: string): Hash => {
  try {
    return hexToBytes(hex);
  } catch {
    return new Uint8Array(0);
  }
};
