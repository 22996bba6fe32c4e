import { merkleNode } from './merkle-tree.js';
import { sha256, type Hash } from './sha256.js';

/** RFC 9162 MTH of a tree built one leaf at a time in O(log n) memory: the roots of its perfect
 * subtrees, largest first (the binary decomposition of its size). The root folds them from the
 * right, which is MTH's split at the largest power of two below n applied recursively. */
export type MerkleAccumulator = {
  /** Appends a leaf hash (already H(0x00 || leaf)). */
  readonly push: (leafHash: Hash) => void;
  readonly size: () => number;
  readonly root: () => Hash;
};

export const createMerkleAccumulator = (): MerkleAccumulator => {
  const subtrees: { size: number; hash: Hash }[] = [];
  let count = 0;
  return {
    push: (leafHash) => {
      let top = { size: 1, hash: leafHash };
      for (let last = subtrees.at(-1); last !== undefined && last.size === top.size; last = subtrees.at(-1)) {
        subtrees.pop();
        top = { size: last.size * 2, hash: merkleNode(last.hash, top.hash) };
      }
      subtrees.push(top);
      count += 1;
    },
    size: () => count,
    root: () => {
      if (subtrees.length === 0) return sha256();
      let root = subtrees[subtrees.length - 1]!.hash;
      for (let i = subtrees.length - 2; i >= 0; i--) root = merkleNode(subtrees[i]!.hash, root);
      return root;
    },
  };
};
