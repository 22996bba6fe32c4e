import { merkleNode, merkleTreeHash, splitPoint } from './merkle-tree.js';
import { sha256, type Hash } from './sha256.js';

/**
 * Merkle inclusion and consistency proofs over RFC 9162 trees (section 2.1.3 and 2.1.4):
 * generation as RFC 6962 PATH / PROOF over already-hashed leaves, verification as the
 * bit-shifting algorithms of RFC 9162 2.1.3.2 and 2.1.4.2. Verifiers never throw.
 */

const HASH_BYTES = 32;

const isHash = (h: Uint8Array): boolean => h.length === HASH_BYTES;

const sameHash = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
};

const isSize = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;
const isOdd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);

/** PATH(m, D[n]), RFC 9162 2.1.3.1: sibling subtree roots, leaf level first. O(n). */
const path = (m: number, leaves: readonly Hash[]): Hash[] => {
  if (leaves.length <= 1) return [];
  const k = splitPoint(leaves.length);
  return m < k
    ? [...path(m, leaves.slice(0, k)), merkleTreeHash(leaves.slice(k))]
    : [...path(m - k, leaves.slice(k)), merkleTreeHash(leaves.slice(0, k))];
};

/** The audit path for leaf `index` in the tree of all `leafHashes`. */
export const inclusionProof = (leafHashes: readonly Hash[], index: number): Hash[] => {
  if (!isSize(index) || index >= leafHashes.length) {
    throw new RangeError(`leaf index ${index} outside a tree of ${leafHashes.length} leaves`);
  }
  return path(index, leafHashes);
};

/**
 * The root that `proof` yields for `leafHash` at `index` in a tree of `treeSize` leaves,
 * steps 1-4 of RFC 9162 2.1.3.2; null when index, size and proof length do not fit.
 */
export const rootFromInclusionProof = (
  leafHash: Hash,
  index: number,
  treeSize: number,
  proof: readonly Hash[],
): Hash | null => {
  if (!isSize(index) || !isSize(treeSize) || index >= treeSize) return null;
  if (!isHash(leafHash) || !proof.every(isHash)) return null;
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return null;
    if (isOdd(fn) || fn === sn) {
      r = merkleNode(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = merkleNode(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : null;
};

/** RFC 9162 2.1.3.2: does `proof` show `leafHash` at `index` in the tree of `treeSize` with `root`? */
export const verifyInclusion = (
  leafHash: Hash,
  index: number,
  treeSize: number,
  proof: readonly Hash[],
  root: Hash,
): boolean => {
  const computed = rootFromInclusionProof(leafHash, index, treeSize, proof);
  return computed !== null && sameHash(computed, root);
};

/** SUBPROOF(m, D[n], b), RFC 9162 2.1.4.1. O(n): one subtree hash per level. */
const subproof = (m: number, leaves: readonly Hash[], whole: boolean): Hash[] => {
  const n = leaves.length;
  if (m === n) return whole ? [] : [merkleTreeHash(leaves)];
  const k = splitPoint(n);
  return m <= k
    ? [...subproof(m, leaves.slice(0, k), whole), merkleTreeHash(leaves.slice(k))]
    : [...subproof(m - k, leaves.slice(k), false), merkleTreeHash(leaves.slice(0, k))];
};

/**
 * PROOF(m, D[n]) with n = leafHashes.length, RFC 9162 2.1.4.1. Empty when m == n, and
 * when m == 0: every tree extends the empty tree, so that proof is trivially empty.
 */
export const consistencyProof = (leafHashes: readonly Hash[], oldSize: number): Hash[] => {
  if (!isSize(oldSize) || oldSize > leafHashes.length) {
    throw new RangeError(`old size ${oldSize} outside 0..${leafHashes.length}`);
  }
  if (oldSize === 0) return [];
  return subproof(oldSize, leafHashes, true);
};

const isPowerOfTwo = (n: number): boolean => {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
};

/**
 * RFC 9162 2.1.4.2: does `proof` show the tree of `oldSize` with `oldRoot` to be a prefix of
 * the tree of `newSize` with `newRoot`? Equal sizes need equal roots and an empty proof; an
 * empty old tree needs the empty-tree root SHA-256("") and an empty proof.
 */
export const verifyConsistency = (
  oldSize: number,
  newSize: number,
  oldRoot: Hash,
  newRoot: Hash,
  proof: readonly Hash[],
): boolean => {
  if (!isSize(oldSize) || !isSize(newSize) || oldSize > newSize) return false;
  if (!isHash(oldRoot) || !isHash(newRoot) || !proof.every(isHash)) return false;
  if (oldSize === newSize) return proof.length === 0 && sameHash(oldRoot, newRoot);
  if (oldSize === 0) return proof.length === 0 && sameHash(oldRoot, sha256());
  if (proof.length === 0) return false;
  const nodes = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = nodes[0] as Hash;
  let sr = fr;
  for (const c of nodes.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = merkleNode(c, fr);
      sr = merkleNode(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = merkleNode(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && sameHash(fr, oldRoot) && sameHash(sr, newRoot);
};
