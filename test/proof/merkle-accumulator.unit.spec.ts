import { describe, expect, it } from 'vitest';
import { createMerkleAccumulator } from '../../domain/proof/merkle-accumulator.js';
import { merkleTreeHash } from '../../domain/proof/merkle-tree.js';
import { sha256, toHex } from '../../domain/proof/sha256.js';

const leaf = (i: number) => sha256(new Uint8Array([0x00]), new TextEncoder().encode(`leaf ${i}`));

describe('Merkle accumulator: MTH one leaf at a time', () => {
  it('equals the recursive RFC 9162 MTH after every leaf, for 0 to 300 leaves', () => {
    const accumulator = createMerkleAccumulator();
    const leaves = [];
    expect(toHex(accumulator.root())).toBe(toHex(merkleTreeHash([])));
    for (let i = 0; i < 300; i++) {
      leaves.push(leaf(i));
      accumulator.push(leaf(i));
      expect(accumulator.size()).toBe(i + 1);
      expect(toHex(accumulator.root()), `size ${i + 1}`).toBe(toHex(merkleTreeHash(leaves)));
    }
  });

  it('depends on leaf order', () => {
    const a = createMerkleAccumulator();
    const b = createMerkleAccumulator();
    [0, 1, 2].forEach((i) => a.push(leaf(i)));
    [0, 2, 1].forEach((i) => b.push(leaf(i)));
    expect(toHex(a.root())).not.toBe(toHex(b.root()));
  });
});
