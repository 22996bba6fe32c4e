import { describe, expect, it } from 'vitest';
import {
  emptyMerkleFrontier,
  frontierRoot,
  frontierSize,
  withLeaf,
  type MerkleFrontier,
} from '../../domain/proof/merkle-frontier.js';
import { merkleTreeHash } from '../../domain/proof/merkle-tree.js';
import { sha256, toHex } from '../../domain/proof/sha256.js';

const leaf = (i: number) => sha256(new Uint8Array([0x00]), new TextEncoder().encode(`leaf ${i}`));

describe('Merkle frontier: the MTH of a run kept as a value, one leaf at a time', () => {
  it('given leaves added one by one, then after every leaf its root is the recursive RFC 9162 MTH (0 to 300 leaves)', () => {
    let frontier: MerkleFrontier = emptyMerkleFrontier;
    const leaves = [];
    expect(toHex(frontierRoot(frontier))).toBe(toHex(merkleTreeHash([])));
    for (let i = 0; i < 300; i++) {
      leaves.push(leaf(i));
      frontier = withLeaf(frontier, leaf(i));
      expect(frontierSize(frontier)).toBe(i + 1);
      expect(toHex(frontierRoot(frontier)), `size ${i + 1}`).toBe(toHex(merkleTreeHash(leaves)));
    }
  });

  it('given a frontier, when a leaf is added, then the frontier it came from is unchanged', () => {
    const three = [0, 1, 2].reduce((f, i) => withLeaf(f, leaf(i)), emptyMerkleFrontier);
    const root = toHex(frontierRoot(three));
    const four = withLeaf(three, leaf(3));
    expect(frontierSize(three)).toBe(3);
    expect(toHex(frontierRoot(three))).toBe(root);
    expect(toHex(frontierRoot(four))).toBe(toHex(merkleTreeHash([0, 1, 2, 3].map(leaf))));
  });
});
