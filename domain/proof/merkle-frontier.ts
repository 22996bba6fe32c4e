import { merkleNode } from './merkle-tree.js';
import { sha256, type Hash } from './sha256.js';

/** One perfect subtree of a Merkle tree: its number of leaves (a power of two) and its root. */
export type MerkleSubtree = { readonly size: number; readonly hash: Hash };

/** An RFC 9162 tree's frontier as a value: the roots of its perfect subtrees, largest first (the
 * binary decomposition of its size), O(log n) of them. What the run writer keeps beside its last
 * link, so that it knows the Merkle root of the run it seals without reading the run again. */
export type MerkleFrontier = readonly MerkleSubtree[];

export const emptyMerkleFrontier: MerkleFrontier = [];

/** The frontier with one more leaf hash (already H(0x00 || leaf)); `frontier` is left unchanged. */
export const withLeaf = (frontier: MerkleFrontier, leafHash: Hash): MerkleFrontier => {
  const subtrees = [...frontier];
  let top: MerkleSubtree = { size: 1, hash: leafHash };
  for (let last = subtrees.at(-1); last !== undefined && last.size === top.size; last = subtrees.at(-1)) {
    subtrees.pop();
    top = { size: last.size * 2, hash: merkleNode(last.hash, top.hash) };
  }
  subtrees.push(top);
  return subtrees;
};

/** How many leaves the tree holds. */
export const frontierSize = (frontier: MerkleFrontier): number =>
  frontier.reduce((size, subtree) => size + subtree.size, 0);

/** MTH of the tree: the subtrees folded from the right (MTH's split at the largest power of two
 * below n, applied recursively); H("") for the empty tree. */
export const frontierRoot = (frontier: MerkleFrontier): Hash => {
  const last = frontier.at(-1);
  if (last === undefined) return sha256();
  let root = last.hash;
  for (let i = frontier.length - 2; i >= 0; i--) root = merkleNode(frontier[i]!.hash, root);
  return root;
};
