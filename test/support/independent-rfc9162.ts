import { createHash } from 'node:crypto';

/**
 * RFC 9162 (Certificate Transparency 2.0) section 2.1 written again from the RFC text alone,
 * sharing no code with domain/: a second implementation the tests check the product's proofs
 * with. Where domain/ verifies with the bit-shifting algorithms of 2.1.3.2 and 2.1.4.2, this one
 * walks the recursive definitions of PATH (2.1.3.1) and SUBPROOF (2.1.4.1) backwards, so a
 * mistake shared by both would have to be made twice, differently.
 *
 * Hashes are Buffers of 32 bytes; the verifiers never throw, they answer false.
 */

const HASH_BYTES = 32;

const sha256 = (...parts: readonly Uint8Array[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

/** Leaf hash: HASH(0x00 || leaf), 2.1.1. */
export const rfcLeafHash = (leaf: Uint8Array): Buffer => sha256(Buffer.of(0x00), leaf);

/** Interior node: HASH(0x01 || left || right), 2.1.1. */
const node = (left: Uint8Array, right: Uint8Array): Buffer => sha256(Buffer.of(0x01), left, right);

/** "k be the largest power of two smaller than n" (n > 1). */
const largestPowerOfTwoBelow = (n: number): number => 2 ** Math.floor(Math.log2(n - 1));

const isSize = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
const isHash = (h: Uint8Array): boolean => h.length === HASH_BYTES;
const equal = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && Buffer.from(a).equals(Buffer.from(b));

/** MTH(D[n]) over already hashed leaves, 2.1.1: the empty tree is HASH(). */
export const rfcMerkleTreeHash = (leafHashes: readonly Uint8Array[]): Buffer => {
  if (leafHashes.length === 0) return sha256();
  if (leafHashes.length === 1) return Buffer.from(leafHashes[0] as Uint8Array);
  const k = largestPowerOfTwoBelow(leafHashes.length);
  return node(rfcMerkleTreeHash(leafHashes.slice(0, k)), rfcMerkleTreeHash(leafHashes.slice(k)));
};

/**
 * PATH(m, D[n]) ends with the sibling of the top split: MTH(D[k:n]) when m < k, MTH(D[0:k]) when
 * m >= k. Reading the path from its end rebuilds the root from the top down. `end` is how much of
 * the path is still unread; the path of a single leaf is empty.
 */
const rootFromPath = (
  leaf: Buffer,
  m: number,
  n: number,
  path: readonly Uint8Array[],
  end: number,
): { root: Buffer; used: number } | null => {
  if (n === 1) return { root: leaf, used: 0 };
  if (end === 0) return null;
  const sibling = path[end - 1] as Uint8Array;
  const k = largestPowerOfTwoBelow(n);
  const inner =
    m < k ? rootFromPath(leaf, m, k, path, end - 1) : rootFromPath(leaf, m - k, n - k, path, end - 1);
  if (inner === null) return null;
  return { root: m < k ? node(inner.root, sibling) : node(sibling, inner.root), used: inner.used + 1 };
};

/** Does `path` prove the leaf with hash `leafHash` at `index` in the tree of `treeSize` leaves whose root is `root`? */
export const rfcVerifyInclusion = (
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  path: readonly Uint8Array[],
  root: Uint8Array,
): boolean => {
  if (!isSize(index) || !isSize(treeSize) || index >= treeSize) return false;
  if (!isHash(leafHash) || !isHash(root) || !path.every(isHash)) return false;
  const rebuilt = rootFromPath(Buffer.from(leafHash), index, treeSize, path, path.length);
  return rebuilt !== null && rebuilt.used === path.length && equal(rebuilt.root, root);
};

/**
 * SUBPROOF(m, D[n], b) also ends with the sibling of the top split, so it is read from its end.
 * Returns the hashes of the old tree's part (D[0:m] of this subtree) and of the whole subtree.
 * SUBPROOF(m, D[m], true) is empty: that subtree is the old tree, whose root the auditor holds;
 * SUBPROOF(m, D[m], false) is the one hash MTH(D[m]).
 */
const rootsFromSubproof = (
  m: number,
  n: number,
  b: boolean,
  proof: readonly Uint8Array[],
  end: number,
  oldRoot: Buffer,
): { oldHash: Buffer; newHash: Buffer; used: number } | null => {
  if (m === n) {
    if (b) return { oldHash: oldRoot, newHash: oldRoot, used: 0 };
    if (end === 0) return null;
    const subtree = Buffer.from(proof[end - 1] as Uint8Array);
    return { oldHash: subtree, newHash: subtree, used: 1 };
  }
  if (end === 0) return null;
  const sibling = proof[end - 1] as Uint8Array;
  const k = largestPowerOfTwoBelow(n);
  if (m <= k) {
    const left = rootsFromSubproof(m, k, b, proof, end - 1, oldRoot);
    if (left === null) return null;
    return { oldHash: left.oldHash, newHash: node(left.newHash, sibling), used: left.used + 1 };
  }
  const right = rootsFromSubproof(m - k, n - k, false, proof, end - 1, oldRoot);
  if (right === null) return null;
  return {
    oldHash: node(sibling, right.oldHash),
    newHash: node(sibling, right.newHash),
    used: right.used + 1,
  };
};

/** Does `proof` show the tree of `oldSize` leaves with `oldRoot` to be a prefix of the tree of `newSize` with `newRoot`? */
export const rfcVerifyConsistency = (
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean => {
  if (!isSize(oldSize) || !isSize(newSize) || oldSize > newSize) return false;
  if (!isHash(oldRoot) || !isHash(newRoot) || !proof.every(isHash)) return false;
  if (oldSize === 0) return proof.length === 0 && equal(oldRoot, sha256());
  if (oldSize === newSize) return proof.length === 0 && equal(oldRoot, newRoot);
  const roots = rootsFromSubproof(oldSize, newSize, true, proof, proof.length, Buffer.from(oldRoot));
  return (
    roots !== null &&
    roots.used === proof.length &&
    equal(roots.oldHash, oldRoot) &&
    equal(roots.newHash, newRoot)
  );
};

/** Hex in, Buffers out, for proofs as the CLI prints them. */
export const fromHexList = (hashes: readonly string[]): Buffer[] => hashes.map((h) => Buffer.from(h, 'hex'));
