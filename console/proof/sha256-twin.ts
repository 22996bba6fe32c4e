import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

// What the browser twins of domain/proof/sha256.ts share (browser-sha256.ts over @noble/hashes
// for the page, worker-sha256.ts over hash-wasm for the verifying worker): the same functions,
// built over one function that hashes parts in order. Chain links and Merkle nodes go through one
// buffer kept for them, and each event's text is encoded into one grown buffer: a run's proof hashes
// some three of these per event.

export type Hash = Uint8Array;

/** The functions of domain/proof/sha256.ts over `digest` (SHA-256 of its parts, in order). */
export const sha256Twin = (digest: (parts: readonly Uint8Array[]) => Hash) => {
  const sha256 = (...parts: readonly Uint8Array[]): Hash => digest(parts);
  const pair = new Uint8Array(65);
  const sha256OfPair = (prefix: number, left: Hash, right: Hash): Hash => {
    if (left.length !== 32 || right.length !== 32) return digest([Uint8Array.of(prefix), left, right]);
    pair[0] = prefix;
    pair.set(left, 1);
    pair.set(right, 33);
    return digest([pair]);
  };
  const encoder = new TextEncoder();
  let textBytes = new Uint8Array(4096);
  const sha256OfPrefixedText = (prefix: number, text: string): Hash => {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (textBytes.length < 1 + text.length * 3) textBytes = new Uint8Array(2 * (1 + text.length * 3));
    textBytes[0] = prefix;
    const { written } = encoder.encodeInto(text, textBytes.subarray(1));
    return digest([textBytes.subarray(0, 1 + written)]);
  };
  const toHex = (bytes: Uint8Array): string => bytesToHex(bytes);
  const fromHex = (hex: string): Hash => {
    try {
      return hexToBytes(hex);
    } catch {
      return new Uint8Array(0);
    }
  };
  return { sha256, sha256OfPair, sha256OfPrefixedText, toHex, fromHex };
};
