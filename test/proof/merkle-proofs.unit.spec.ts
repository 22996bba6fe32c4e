import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { leafHashOfBytes } from '../../domain/proof/leaf.js';
import { describeMerkleProofError, type MerkleProofError } from '../../domain/proof/merkle-proof-errors.js';
import {
  consistencyProof,
  inclusionProof,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '../../domain/proof/merkle-proofs.js';
import { merkleTreeHash } from '../../domain/proof/merkle-tree.js';
import { fromHex, toHex, type Hash } from '../../domain/proof/sha256.js';
import {
  consistencyProbes,
  eitherRootMismatch,
  expectReasons,
  flip,
  inclusionProbes,
  rootMismatch,
  SOME_HASH,
} from './merkle-proof-probes.js';
import {
  CONSISTENCY_PATHS,
  CONSISTENCY_VECTORS,
  INCLUSION_PATHS,
  INCLUSION_VECTORS,
  LEAF_INPUTS,
  NODE_HASHES,
  ROOTS,
} from './rfc9162-reference-vectors.js';

const LEAVES = LEAF_INPUTS.map((x) => leafHashOfBytes(fromHex(x)));
const rootOf = (size: number): Hash => fromHex(ROOTS[size] as string);
const hexes = (hs: readonly Hash[]): string[] => hs.map(toHex);
const VERIFIED = E.right(undefined);

/** Deterministic, distinct leaf hashes for the round trips. */
const genLeaves = (n: number): Hash[] =>
  Array.from({ length: n }, (_, x) => leafHashOfBytes(new TextEncoder().encode(`leaf-${x * 7919}`)));

describe('CT / RFC 6962 reference vectors', () => {
  it('leaf hashes and roots of every prefix match', () => {
    expect(hexes(LEAVES)).toEqual(NODE_HASHES[0]);
    for (let size = 0; size <= 8; size++)
      expect(toHex(merkleTreeHash(LEAVES.slice(0, size)))).toBe(ROOTS[size]);
  });

  it.each(INCLUSION_VECTORS)('inclusion proof of leaf $index in $size', ({ index, size, proof }) => {
    const leaves = LEAVES.slice(0, size);
    const leaf = LEAVES[index] as Hash;
    const expected = proof.map(fromHex);
    expect(hexes(inclusionProof(leaves, index))).toEqual(proof);
    expect(E.map(toHex)(rootFromInclusionProof(leaf, index, size, expected))).toEqual(E.right(ROOTS[size]));
    expect(verifyInclusion(leaf, index, size, expected, rootOf(size))).toEqual(VERIFIED);
    expectReasons(inclusionProbes(leaf, index, size, expected, rootOf(size)));
  });

  it.each(INCLUSION_PATHS)('audit path in %i leaves for leaf %i', (size, index, proof) => {
    expect(hexes(inclusionProof(LEAVES.slice(0, size), index))).toEqual(proof);
    expect(verifyInclusion(LEAVES[index] as Hash, index, size, proof.map(fromHex), rootOf(size))).toEqual(
      VERIFIED,
    );
  });

  it.each(CONSISTENCY_VECTORS)('consistency proof $m -> $n', ({ m, n, proof }) => {
    const expected = proof.map(fromHex);
    expect(hexes(consistencyProof(LEAVES.slice(0, n), m))).toEqual(proof);
    expect(verifyConsistency(m, n, rootOf(m), rootOf(n), expected)).toEqual(VERIFIED);
    if (m < n) expectReasons(consistencyProbes(m, n, rootOf(m), rootOf(n), expected));
  });

  it.each(CONSISTENCY_PATHS)('consistency path %i -> %i', (m, n, proof) => {
    expect(hexes(consistencyProof(LEAVES.slice(0, n), m))).toEqual(proof);
    expect(verifyConsistency(m, n, rootOf(m), rootOf(n), proof.map(fromHex))).toEqual(VERIFIED);
  });
});

describe('round trips over trees of 1..40 leaves', () => {
  const all = genLeaves(40);

  it('every inclusion proof verifies, and every corruption of it fails for its reason', () => {
    for (let size = 1; size <= 40; size++) {
      const leaves = all.slice(0, size);
      const root = merkleTreeHash(leaves);
      for (let index = 0; index < size; index++) {
        const leaf = leaves[index] as Hash;
        const proof = inclusionProof(leaves, index);
        expect(verifyInclusion(leaf, index, size, proof, root), `${index}/${size}`).toEqual(VERIFIED);
        expectReasons(inclusionProbes(leaf, index, size, proof, root), `${index}/${size}`);
        for (let at = 0; at < proof.length; at++) {
          for (const byte of [0, 17, 31]) {
            expect(verifyInclusion(leaf, index, size, flip(proof, at, byte), root)).toEqual(
              E.left(rootMismatch('root', root)),
            );
          }
        }
      }
    }
  });

  it('every consistency proof verifies, and every corruption of it fails for its reason', () => {
    for (let n = 1; n <= 40; n++) {
      const leaves = all.slice(0, n);
      const newRoot = merkleTreeHash(leaves);
      for (let m = 1; m <= n; m++) {
        const oldRoot = merkleTreeHash(leaves.slice(0, m));
        const proof = consistencyProof(leaves, m);
        expect(verifyConsistency(m, n, oldRoot, newRoot, proof), `${m}->${n}`).toEqual(VERIFIED);
        if (m === n) {
          expect(proof).toEqual([]);
          continue;
        }
        expectReasons(consistencyProbes(m, n, oldRoot, newRoot, proof), `${m}->${n}`);
        for (let at = 0; at < proof.length; at++) {
          for (const byte of [0, 17, 31]) {
            expect(verifyConsistency(m, n, oldRoot, newRoot, flip(proof, at, byte))).toEqual(
              E.left(eitherRootMismatch(oldRoot, newRoot)),
            );
          }
        }
      }
    }
  });
});

describe('edge cases', () => {
  it('rejects out-of-range arguments to the generators', () => {
    expect(() => inclusionProof([], 0)).toThrow(RangeError);
    expect(() => inclusionProof(LEAVES, 8)).toThrow(RangeError);
    expect(() => inclusionProof(LEAVES, -1)).toThrow(RangeError);
    expect(() => inclusionProof(LEAVES, 1.5)).toThrow(RangeError);
    expect(() => consistencyProof(LEAVES, -1)).toThrow(RangeError);
    expect(() => consistencyProof(LEAVES, 9)).toThrow(RangeError);
  });

  it('a proof from the empty tree is trivially empty', () => {
    expect(consistencyProof(LEAVES, 0)).toEqual([]);
    expect(consistencyProof([], 0)).toEqual([]);
    expect(verifyConsistency(0, 8, rootOf(0), rootOf(8), [])).toEqual(VERIFIED);
    expect(verifyConsistency(0, 0, rootOf(0), rootOf(0), [])).toEqual(VERIFIED);
    expect(verifyConsistency(0, 8, SOME_HASH, rootOf(8), [])).toEqual(
      E.left(rootMismatch('old_root', SOME_HASH, rootOf(0))),
    );
    expect(verifyConsistency(0, 8, rootOf(0), rootOf(8), [rootOf(0)])).toEqual(
      E.left({ kind: 'non_empty_proof_from_empty_tree', proof_size: 1 }),
    );
  });

  it('equal sizes need equal roots and an empty proof', () => {
    expect(verifyConsistency(5, 5, rootOf(5), rootOf(5), [])).toEqual(VERIFIED);
    expect(verifyConsistency(5, 5, rootOf(5), rootOf(6), [])).toEqual(
      E.left(rootMismatch('new_root', rootOf(6), rootOf(5))),
    );
    expect(verifyConsistency(5, 5, rootOf(5), rootOf(5), [rootOf(0)])).toEqual(
      E.left({ kind: 'non_empty_proof_for_equal_sizes', proof_size: 1 }),
    );
  });

  it('the inclusion verifier answers why, instead of throwing, on nonsense', () => {
    const leaf = LEAVES[0] as Hash;
    const outside = (index: number, size: number) => ({ kind: 'index_out_of_range', index, tree_size: size });
    const notASize = (value: number) => ({ kind: 'invalid_size', size: 'tree_size', value });
    for (const [index, size, reason] of [
      [0, 0, outside(0, 0)],
      [1, 0, outside(1, 0)],
      [2, 1, outside(2, 1)],
      [-1, 4, outside(-1, 4)],
      [0.5, 4, outside(0.5, 4)],
      [0, Number.NaN, notASize(Number.NaN)],
      [0, -1, notASize(-1)],
      [0, 2 ** 60, notASize(2 ** 60)],
    ] as const) {
      expect(verifyInclusion(leaf, index, size, [], leaf), `${index}/${size}`).toEqual(E.left(reason));
    }
    expect(verifyInclusion(leaf, 0, 1, [], leaf)).toEqual(VERIFIED);
    expect(verifyInclusion(new Uint8Array(), 0, 1, [], new Uint8Array())).toEqual(
      E.left({ kind: 'wrong_hash_size', hash: 'leaf', at: null, expected: 32, actual: 0 }),
    );
    expect(verifyInclusion(leaf, 0, 1, [], leaf.subarray(1))).toEqual(
      E.left({ kind: 'wrong_hash_size', hash: 'root', at: null, expected: 32, actual: 31 }),
    );
    expect(rootFromInclusionProof(leaf, 0, 2, [])).toEqual(
      E.left({ kind: 'wrong_proof_size', expected: 1, actual: 0 }),
    );
  });

  it('the consistency verifier answers why, instead of throwing, on nonsense', () => {
    const proof = [LEAVES[1] as Hash];
    const notASize = (size: string, value: number) => ({ kind: 'invalid_size', size, value });
    for (const [m, n, reason] of [
      [1, 0, { kind: 'size_decreased', old_size: 1, new_size: 0 }],
      [2, 1, { kind: 'size_decreased', old_size: 2, new_size: 1 }],
      [-1, 3, notASize('old_size', -1)],
      [1.5, 3, notASize('old_size', 1.5)],
      [1, Number.POSITIVE_INFINITY, notASize('new_size', Number.POSITIVE_INFINITY)],
    ] as const) {
      expect(verifyConsistency(m, n, rootOf(1), rootOf(2), proof), `${m}->${n}`).toEqual(E.left(reason));
    }
    expect(verifyConsistency(1, 2, rootOf(1), rootOf(2), proof)).toEqual(VERIFIED);
    expect(verifyConsistency(1, 2, new Uint8Array(), rootOf(2), proof)).toEqual(
      E.left({ kind: 'wrong_hash_size', hash: 'old_root', at: null, expected: 32, actual: 0 }),
    );
    expect(verifyConsistency(1, 2, rootOf(1), rootOf(2).subarray(2), proof)).toEqual(
      E.left({ kind: 'wrong_hash_size', hash: 'new_root', at: null, expected: 32, actual: 30 }),
    );
  });

  it('describes every reason in one line, with the numbers or hashes that did not fit', () => {
    expect(consistencyProof(LEAVES.slice(0, 5), 3)).toHaveLength(4);
    const results: E.Either<MerkleProofError, void>[] = [
      verifyInclusion(LEAVES[0] as Hash, 0, 2, [SOME_HASH], rootOf(2)),
      verifyConsistency(3, 5, rootOf(3), rootOf(5), []),
      verifyConsistency(3, 5, rootOf(3), rootOf(5), [SOME_HASH]),
      verifyConsistency(5, 3, rootOf(5), rootOf(3), []),
    ];
    expect(results.map(E.fold(describeMerkleProofError, () => 'verified'))).toEqual([
      expect.stringMatching(/^the proof leads to root [0-9a-f]{64}, expected fac54203e7cc696c/),
      'the proof is empty',
      'the proof has 1 hashes, the tree sizes need 4',
      'the new size 3 is smaller than the old size 5',
    ]);
  });
});
