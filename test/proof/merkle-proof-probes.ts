import * as E from 'fp-ts/lib/Either.js';
import { expect } from 'vitest';
import type {
  ConsistencyProofError,
  InclusionProofError,
  MerkleProofError,
} from '../../domain/proof/merkle-proof-errors.js';
import {
  consistencyProof,
  inclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '../../domain/proof/merkle-proofs.js';
import { fromHex, toHex, type Hash } from '../../domain/proof/sha256.js';
import { ROOTS } from './rfc9162-reference-vectors.js';

/**
 * The corruptions of transparency-dev's corruptInclusionProof / corruptConsistencyProof, plus
 * swapped sizes and those the independent implementation's tests make (independent-rfc9162-*.unit.spec.ts),
 * each with the reason the product's verifier must give for it. Proof sizes the
 * reasons name come from the generators (inclusionProof / consistencyProof), not the verifier.
 */

export const SOME_HASH = fromHex('abacaba000000000000000000000000000000000000000000060061e00123456');
const EMPTY_ROOT = ROOTS[0] as string;
const ANY_HEX_HASH = expect.stringMatching(/^[0-9a-f]{64}$/);

/** proof with one bit of byte `byte` of element `at` flipped. */
export const flip = (proof: readonly Hash[], at: number, byte = 0): Hash[] =>
  proof.map((p, n) => (n === at ? p.map((x, y) => (y === byte ? x ^ 0x10 : x)) : p));

type Probe<Error> = { name: string; verify: () => E.Either<Error, void>; reason: unknown };

/** Every probe fails, with its reason. */
export const expectReasons = <Error>(probes: readonly Probe<Error>[], label = ''): void => {
  expect(
    probes.map((p) => [p.name, p.verify()]),
    label,
  ).toEqual(probes.map((p) => [p.name, E.left(p.reason)]));
};

const isPowerOfTwo = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;
/** Leaves for the generators when only the shape of a proof matters. */
const anyLeaves = (n: number): Hash[] => Array.from({ length: n }, () => SOME_HASH);

export const rootMismatch = (hash: 'root' | 'old_root' | 'new_root', expected: Hash, computed?: Hash) => ({
  kind: 'root_mismatch',
  hash,
  computed: computed === undefined ? ANY_HEX_HASH : toHex(computed),
  expected: toHex(expected),
});
const wrongProofSize = (expected: number, actual: number) => ({ kind: 'wrong_proof_size', expected, actual });
const wrongHashSizeInProof = (at: number, actual: number) => ({
  kind: 'wrong_hash_size',
  hash: 'proof',
  at,
  expected: 32,
  actual,
});

/** A root mismatch of the old root (expected r1) or of the new one (expected r2). */
export const eitherRootMismatch = (r1: Hash, r2: Hash) =>
  expect.toSatisfy(
    (e: MerkleProofError) =>
      e.kind === 'root_mismatch' &&
      ((e.hash === 'old_root' && e.expected === toHex(r1)) ||
        (e.hash === 'new_root' && e.expected === toHex(r2))),
    'a root mismatch of the old or the new root',
  );

/** Why a right proof for (index, size) fails for (otherIndex, otherSize). */
const inclusionMoved = (proofSize: number, root: Hash, index: number, size: number) => {
  if (index < 0 || index >= size) return { kind: 'index_out_of_range', index, tree_size: size };
  const expected = inclusionProof(anyLeaves(size), index).length;
  return expected === proofSize ? rootMismatch('root', root) : wrongProofSize(expected, proofSize);
};

export const inclusionProbes = (
  leaf: Hash,
  index: number,
  size: number,
  proof: Hash[],
  root: Hash,
): Probe<InclusionProofError>[] => {
  const at = (i: number, s: number) => () => verifyInclusion(leaf, i, s, proof, root);
  const moved = (i: number, s: number) => inclusionMoved(proof.length, root, i, s);
  const withPath = (path: Hash[]) => () => verifyInclusion(leaf, index, size, path, root);
  const longer = wrongProofSize(proof.length, proof.length + 1);
  const probes: Probe<InclusionProofError>[] = [
    { name: 'index - 1', verify: at(index - 1, size), reason: moved(index - 1, size) },
    { name: 'index + 1', verify: at(index + 1, size), reason: moved(index + 1, size) },
    { name: 'index ^ 2', verify: at(index ^ 2, size), reason: moved(index ^ 2, size) },
    { name: 'size * 2', verify: at(index, size * 2), reason: moved(index, size * 2) },
    { name: 'size / 2', verify: at(index, Math.floor(size / 2)), reason: moved(index, Math.floor(size / 2)) },
    {
      name: 'wrong leaf',
      verify: () => verifyInclusion(SOME_HASH, index, size, proof, root),
      reason: rootMismatch('root', root),
    },
    {
      name: 'empty root',
      verify: () => verifyInclusion(leaf, index, size, proof, fromHex(EMPTY_ROOT)),
      reason: rootMismatch('root', fromHex(EMPTY_ROOT), root),
    },
    {
      name: 'random root',
      verify: () => verifyInclusion(leaf, index, size, proof, SOME_HASH),
      reason: rootMismatch('root', SOME_HASH, root),
    },
    { name: 'trailing root', verify: withPath([...proof, root]), reason: longer },
    {
      name: 'trailing garbage',
      verify: withPath([...proof, new Uint8Array()]),
      reason: wrongHashSizeInProof(proof.length, 0),
    },
    { name: 'preceding root', verify: withPath([root, ...proof]), reason: longer },
  ];
  if (size > 1)
    probes.push({
      name: 'the leaf as root',
      verify: () => verifyInclusion(leaf, index, size, proof, leaf),
      reason: rootMismatch('root', leaf, root),
    });
  if (proof.length > 0)
    probes.push(
      {
        name: 'removed component',
        verify: withPath(proof.slice(0, -1)),
        reason: wrongProofSize(proof.length, proof.length - 1),
      },
      {
        name: 'path without its first hash',
        verify: withPath(proof.slice(1)),
        reason: wrongProofSize(proof.length, proof.length - 1),
      },
      {
        name: 'a 31-byte hash in the path',
        verify: withPath([(proof[0] as Hash).subarray(1), ...proof.slice(1)]),
        reason: wrongHashSizeInProof(0, 31),
      },
    );
  if (proof.length > 1)
    probes.push({
      name: 'reversed path',
      verify: withPath([...proof].reverse()),
      reason: rootMismatch('root', root),
    });
  if (proof.length > 1)
    probes.push({
      name: 'inserted component',
      verify: withPath([proof[0] as Hash, SOME_HASH, ...proof.slice(1)]),
      reason: longer,
    });
  proof.forEach((_, n) =>
    probes.push({
      name: `flipped proof[${n}]`,
      verify: withPath(flip(proof, n)),
      reason: rootMismatch('root', root),
    }),
  );
  return probes;
};

/** Why a right proof for (m, n), 0 < m < n, fails for (oldSize, newSize). An old size that is a
 * power of two is its own first node, so its root always matches and the new one does not. */
const consistencyMoved = (proofSize: number, r1: Hash, r2: Hash, oldSize: number, newSize: number) => {
  if (oldSize > newSize) return { kind: 'size_decreased', old_size: oldSize, new_size: newSize };
  if (oldSize === newSize) return { kind: 'non_empty_proof_for_equal_sizes', proof_size: proofSize };
  if (oldSize === 0) return { kind: 'non_empty_proof_from_empty_tree', proof_size: proofSize };
  const expected = consistencyProof(anyLeaves(newSize), oldSize).length;
  if (expected !== proofSize) return wrongProofSize(expected, proofSize);
  return isPowerOfTwo(oldSize) ? rootMismatch('new_root', r2) : rootMismatch('old_root', r1);
};

export const consistencyProbes = (
  m: number,
  n: number,
  r1: Hash,
  r2: Hash,
  proof: Hash[],
): Probe<ConsistencyProofError>[] => {
  const sizes = (a: number, b: number) => () => verifyConsistency(a, b, r1, r2, proof);
  const moved = (a: number, b: number) => consistencyMoved(proof.length, r1, r2, a, b);
  const roots = (a: Hash, b: Hash) => () => verifyConsistency(m, n, a, b, proof);
  const withProof = (p: Hash[]) => () => verifyConsistency(m, n, r1, r2, p);
  const longer = wrongProofSize(proof.length, proof.length + 1);
  const ownSeed = isPowerOfTwo(m);
  const probes: Probe<ConsistencyProofError>[] = [
    { name: 'm - 1', verify: sizes(m - 1, n), reason: moved(m - 1, n) },
    { name: 'm + 1', verify: sizes(m + 1, n), reason: moved(m + 1, n) },
    { name: 'm ^ 2', verify: sizes(m ^ 2, n), reason: moved(m ^ 2, n) },
    { name: 'n * 2', verify: sizes(m, n * 2), reason: moved(m, n * 2) },
    { name: 'n / 2', verify: sizes(m, Math.floor(n / 2)), reason: moved(m, Math.floor(n / 2)) },
    {
      name: 'swapped sizes',
      verify: sizes(n, m),
      reason: { kind: 'size_decreased', old_size: n, new_size: m },
    },
    {
      name: 'wrong old root',
      verify: roots(SOME_HASH, r2),
      reason: ownSeed ? rootMismatch('new_root', r2) : rootMismatch('old_root', SOME_HASH, r1),
    },
    { name: 'wrong new root', verify: roots(r1, SOME_HASH), reason: rootMismatch('new_root', SOME_HASH, r2) },
    {
      name: 'swapped roots',
      verify: roots(r2, r1),
      reason: ownSeed ? rootMismatch('new_root', r1) : rootMismatch('old_root', r2, r1),
    },
    { name: 'empty proof', verify: withProof([]), reason: { kind: 'empty_proof' } },
    {
      name: 'trailing garbage',
      verify: withProof([...proof, new Uint8Array()]),
      reason: wrongHashSizeInProof(proof.length, 0),
    },
    { name: 'trailing old root', verify: withProof([...proof, r1]), reason: longer },
    { name: 'trailing new root', verify: withProof([...proof, r2]), reason: longer },
    { name: 'preceding old root', verify: withProof([r1, ...proof]), reason: longer },
    { name: 'preceding new root', verify: withProof([r2, ...proof]), reason: longer },
    { name: 'preceding proof[0]', verify: withProof([proof[0] as Hash, ...proof]), reason: longer },
    {
      name: 'proof without its first hash',
      verify: withProof(proof.slice(1)),
      reason: proof.length === 1 ? { kind: 'empty_proof' } : wrongProofSize(proof.length, proof.length - 1),
    },
    {
      name: 'a 33-byte hash in the proof',
      verify: withProof([Uint8Array.of(...(proof[0] as Hash), 0), ...proof.slice(1)]),
      reason: wrongHashSizeInProof(0, 33),
    },
    {
      name: 'truncated proof',
      verify: withProof(proof.slice(0, -1)),
      reason: proof.length === 1 ? { kind: 'empty_proof' } : wrongProofSize(proof.length, proof.length - 1),
    },
  ];
  proof.forEach((_, at) =>
    probes.push({
      name: `flipped proof[${at}]`,
      verify: withProof(flip(proof, at)),
      reason: eitherRootMismatch(r1, r2),
    }),
  );
  return probes;
};
