import { sha256, sha256OfPair } from '../domain/proof/sha256.js';

/** The SHA-256 calls a proof of `events` events cannot do without, and nothing else: per event one
 * leaf hash of `leafBytes` bytes, one chain link and (amortized) one Merkle node of 65 bytes each,
 * through the product's own SHA-256 functions (node:crypto's one-shot hash where Node has it). A
 * call costs about the same whatever its length here, so this is the least time a verifier in
 * Node spends hashing. Milliseconds. */
export const sha256Floor = (events: number, leafBytes: number): number => {
  const leaf = new Uint8Array(Math.max(1, Math.round(leafBytes))).fill(0x61);
  let link = sha256(leaf);
  const started = performance.now();
  for (let i = 0; i < events; i++) {
    const leafHash = sha256(leaf);
    link = sha256OfPair(0x01, link, leafHash);
    sha256OfPair(0x01, leafHash, link);
  }
  return performance.now() - started;
};
