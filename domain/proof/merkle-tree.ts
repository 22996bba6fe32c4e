import { sha256, sha256OfPair, type Hash } from './sha256.js';

const NODE_PREFIX = 0x01;

export const merkleNode = (left: Hash, right: Hash): Hash => sha256OfPair(NODE_PREFIX, left, right);

/** Largest power of two strictly smaller than n (n >= 2), RFC 9162 section 2.1.1. */
export const splitPoint = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

/** MTH over leaf hashes (already H(0x00 || leaf)), RFC 9162 section 2.1.1. */
export const merkleTreeHash = (leafHashes: readonly Hash[]): Hash => {
  if (leafHashes.length === 0) return sha256();
  if (leafHashes.length === 1) return leafHashes[0] as Hash;
  const k = splitPoint(leafHashes.length);
  return merkleNode(merkleTreeHash(leafHashes.slice(0, k)), merkleTreeHash(leafHashes.slice(k)));
};
