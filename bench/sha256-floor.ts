import * as crypto from 'node:crypto';

/** The SHA-256 calls a proof of `events` events cannot do without, and nothing else: per event one
 * leaf hash of `leafBytes` bytes, one chain link and (amortized) one Merkle node of 65 bytes each,
 * with node:crypto's one-shot hash. What they cost is per call more than per byte (about 1 µs
 * either way here), so this is the least time a verifier in Node spends hashing. Milliseconds. */
export const sha256Floor = (events: number, leafBytes: number): number => {
  const leaf = Buffer.alloc(Math.max(1, Math.round(leafBytes)), 0x61);
  const pair = Buffer.alloc(65, 0x01);
  const started = performance.now();
  for (let i = 0; i < events; i++) {
    const leafHash = crypto.hash('sha256', leaf, 'buffer');
    leafHash.copy(pair, 33);
    crypto.hash('sha256', pair, 'buffer').copy(pair, 1);
    crypto.hash('sha256', pair, 'buffer');
  }
  return performance.now() - started;
};
