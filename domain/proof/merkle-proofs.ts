import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type {
  ConsistencyProofError,
  InclusionProofError,
  ProofHashName,
  RootMismatch,
  WrongHashSize,
} from './merkle-proof-errors.js';
import { merkleNode, merkleTreeHash, splitPoint } from './merkle-tree.js';
import { sha256, toHex, type Hash } from './sha256.js';

/**
 * Merkle inclusion and consistency proofs over RFC 9162 trees (section 2.1.3 and 2.1.4):
 * generation as RFC 6962 PATH / PROOF over already-hashed leaves, verification as the
 * bit-shifting algorithms of RFC 9162 2.1.3.2 and 2.1.4.2. Verifiers never throw: they answer
 * why a proof fails (merkle-proof-errors.ts), as transparency-dev's proof package does.
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

// Generation.

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

// Verification.

const isPowerOfTwo = (n: number): boolean => {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
};

/**
 * How many proof hashes the RFC 9162 verification loop takes from node `fn` with last node `sn`
 * (its steps until sn reaches 0): the one proof size that can verify, found without hashing,
 * as transparency-dev's decompInclProof finds it.
 */
const loopSteps = (fn: number, sn: number): number => {
  let steps = 0;
  while (sn !== 0) {
    if (isOdd(fn) || fn === sn) {
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    }
    fn = half(fn);
    sn = half(sn);
    steps += 1;
  }
  return steps;
};

/** The proof size RFC 9162 2.1.4.2 takes for 0 < oldSize < newSize. */
const consistencyProofSize = (oldSize: number, newSize: number): number => {
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  return loopSteps(fn, sn) + (isPowerOfTwo(oldSize) ? 0 : 1);
};

const wrongHashSize = (hash: ProofHashName, bytes: Uint8Array, at: number | null = null): WrongHashSize => ({
  kind: 'wrong_hash_size',
  hash,
  at,
  expected: HASH_BYTES,
  actual: bytes.length,
});

/** The first element of `proof` that is not a hash, as an error; null when all are. */
const proofHashSizeError = (proof: readonly Hash[]): WrongHashSize | null => {
  const at = proof.findIndex((h) => !isHash(h));
  return at === -1 ? null : wrongHashSize('proof', proof[at] as Hash, at);
};

const matchRoot = (
  hash: RootMismatch['hash'],
  computed: Hash,
  expected: Hash,
): E.Either<WrongHashSize | RootMismatch, void> => {
  if (!isHash(expected)) return E.left(wrongHashSize(hash, expected));
  return sameHash(computed, expected)
    ? E.right(undefined)
    : E.left({ kind: 'root_mismatch', hash, computed: toHex(computed), expected: toHex(expected) });
};

const inclusionArgumentsError = (
  leafHash: Hash,
  index: number,
  treeSize: number,
  proof: readonly Hash[],
): InclusionProofError | null => {
  if (!isSize(treeSize)) return { kind: 'invalid_size', size: 'tree_size', value: treeSize };
  if (!isSize(index) || index >= treeSize) return { kind: 'index_out_of_range', index, tree_size: treeSize };
  if (!isHash(leafHash)) return wrongHashSize('leaf', leafHash);
  const badHash = proofHashSizeError(proof);
  if (badHash !== null) return badHash;
  const expected = loopSteps(index, treeSize - 1);
  return proof.length === expected ? null : { kind: 'wrong_proof_size', expected, actual: proof.length };
};

/**
 * The root that `proof` yields for `leafHash` at `index` in a tree of `treeSize` leaves,
 * steps 1-4 of RFC 9162 2.1.3.2; why not when index, size, hashes and proof length do not fit.
 */
export const rootFromInclusionProof = (
  leafHash: Hash,
  index: number,
  treeSize: number,
  proof: readonly Hash[],
): E.Either<InclusionProofError, Hash> => {
  const invalid = inclusionArgumentsError(leafHash, index, treeSize, proof);
  if (invalid !== null) return E.left(invalid);
  // The proof has exactly the loop's steps: sn reaches 0 with its last hash.
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
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
  return E.right(r);
};

/** RFC 9162 2.1.3.2: does `proof` show `leafHash` at `index` in the tree of `treeSize` with `root`? */
export const verifyInclusion = (
  leafHash: Hash,
  index: number,
  treeSize: number,
  proof: readonly Hash[],
  root: Hash,
): E.Either<InclusionProofError, void> =>
  pipe(
    rootFromInclusionProof(leafHash, index, treeSize, proof),
    E.chainW((computed) => matchRoot('root', computed, root)),
  );

const consistencyArgumentsError = (
  oldSize: number,
  newSize: number,
  oldRoot: Hash,
  newRoot: Hash,
  proof: readonly Hash[],
): ConsistencyProofError | null => {
  if (!isSize(oldSize)) return { kind: 'invalid_size', size: 'old_size', value: oldSize };
  if (!isSize(newSize)) return { kind: 'invalid_size', size: 'new_size', value: newSize };
  if (oldSize > newSize) return { kind: 'size_decreased', old_size: oldSize, new_size: newSize };
  if (!isHash(oldRoot)) return wrongHashSize('old_root', oldRoot);
  if (!isHash(newRoot)) return wrongHashSize('new_root', newRoot);
  return proofHashSizeError(proof);
};

/** Steps of RFC 9162 2.1.4.2 for 0 < oldSize < newSize and a proof of the right size: the old
 * and the new root the proof yields. An old size that is a power of two is its own first node. */
const rootsFromConsistencyProof = (
  oldSize: number,
  newSize: number,
  oldRoot: Hash,
  proof: readonly Hash[],
) => {
  const start = isPowerOfTwo(oldSize) ? 0 : 1;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = start === 0 ? oldRoot : (proof[0] as Hash);
  let sr = fr;
  for (let i = start; i < proof.length; i++) {
    const c = proof[i] as Hash;
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
  return { oldRoot: fr, newRoot: sr };
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
): E.Either<ConsistencyProofError, void> => {
  const invalid = consistencyArgumentsError(oldSize, newSize, oldRoot, newRoot, proof);
  if (invalid !== null) return E.left(invalid);
  if (oldSize === newSize)
    return proof.length === 0
      ? matchRoot('new_root', oldRoot, newRoot)
      : E.left({ kind: 'non_empty_proof_for_equal_sizes', proof_size: proof.length });
  if (oldSize === 0)
    return proof.length === 0
      ? matchRoot('old_root', sha256(), oldRoot)
      : E.left({ kind: 'non_empty_proof_from_empty_tree', proof_size: proof.length });
  if (proof.length === 0) return E.left({ kind: 'empty_proof' });
  const expected = consistencyProofSize(oldSize, newSize);
  if (proof.length !== expected) return E.left({ kind: 'wrong_proof_size', expected, actual: proof.length });
  const computed = rootsFromConsistencyProof(oldSize, newSize, oldRoot, proof);
  return pipe(
    matchRoot('old_root', computed.oldRoot, oldRoot),
    E.chain(() => matchRoot('new_root', computed.newRoot, newRoot)),
  );
};
