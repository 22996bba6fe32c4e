import { describe, expect, it } from 'vitest';
import { leafHashOfBytes } from '../../domain/proof/leaf.js';
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
const flip = (proof: readonly Hash[], at: number, byte = 0): Hash[] =>
  proof.map((p, n) => (n === at ? p.map((x, y) => (y === byte ? x ^ 0x10 : x)) : p));
const SOME_HASH = fromHex('abacaba000000000000000000000000000000000000000000060061e00123456');

/** Deterministic, distinct leaf hashes for the round trips. */
const genLeaves = (n: number): Hash[] =>
  Array.from({ length: n }, (_, x) => leafHashOfBytes(new TextEncoder().encode(`leaf-${x * 7919}`)));

/** The probes of transparency-dev corruptInclusionProof that must all fail. */
const inclusionProbes = (leaf: Hash, index: number, size: number, proof: Hash[], root: Hash) => {
  const probes: [string, () => boolean][] = [
    ['index - 1', () => verifyInclusion(leaf, index - 1, size, proof, root)],
    ['index + 1', () => verifyInclusion(leaf, index + 1, size, proof, root)],
    ['index ^ 2', () => verifyInclusion(leaf, index ^ 2, size, proof, root)],
    ['size * 2', () => verifyInclusion(leaf, index, size * 2, proof, root)],
    ['size / 2', () => verifyInclusion(leaf, index, Math.floor(size / 2), proof, root)],
    ['wrong leaf', () => verifyInclusion(SOME_HASH, index, size, proof, root)],
    ['empty root', () => verifyInclusion(leaf, index, size, proof, rootOf(0))],
    ['random root', () => verifyInclusion(leaf, index, size, proof, SOME_HASH)],
    ['trailing root', () => verifyInclusion(leaf, index, size, [...proof, root], root)],
    ['trailing garbage', () => verifyInclusion(leaf, index, size, [...proof, new Uint8Array()], root)],
    ['preceding root', () => verifyInclusion(leaf, index, size, [root, ...proof], root)],
    [
      'removed component',
      () => proof.length > 0 && verifyInclusion(leaf, index, size, proof.slice(0, -1), root),
    ],
    [
      'inserted component',
      () =>
        proof.length > 1 &&
        verifyInclusion(leaf, index, size, [proof[0] as Hash, SOME_HASH, ...proof.slice(1)], root),
    ],
  ];
  proof.forEach((_, at) =>
    probes.push([`flipped proof[${at}]`, () => verifyInclusion(leaf, index, size, flip(proof, at), root)]),
  );
  return probes.filter(([, accepted]) => accepted()).map(([name]) => name);
};

/** The probes of transparency-dev corruptConsistencyProof (plus swapped sizes) that must all fail. */
const consistencyProbes = (m: number, n: number, r1: Hash, r2: Hash, proof: Hash[]) => {
  const probes: [string, () => boolean][] = [
    ['m - 1', () => verifyConsistency(m - 1, n, r1, r2, proof)],
    ['m + 1', () => verifyConsistency(m + 1, n, r1, r2, proof)],
    ['m ^ 2', () => verifyConsistency(m ^ 2, n, r1, r2, proof)],
    ['n * 2', () => verifyConsistency(m, n * 2, r1, r2, proof)],
    ['n / 2', () => verifyConsistency(m, Math.floor(n / 2), r1, r2, proof)],
    ['swapped sizes', () => verifyConsistency(n, m, r1, r2, proof)],
    ['wrong old root', () => verifyConsistency(m, n, SOME_HASH, r2, proof)],
    ['wrong new root', () => verifyConsistency(m, n, r1, SOME_HASH, proof)],
    ['swapped roots', () => verifyConsistency(m, n, r2, r1, proof)],
    ['empty proof', () => verifyConsistency(m, n, r1, r2, [])],
    ['trailing garbage', () => verifyConsistency(m, n, r1, r2, [...proof, new Uint8Array()])],
    ['trailing old root', () => verifyConsistency(m, n, r1, r2, [...proof, r1])],
    ['trailing new root', () => verifyConsistency(m, n, r1, r2, [...proof, r2])],
    ['preceding old root', () => verifyConsistency(m, n, r1, r2, [r1, ...proof])],
    ['preceding new root', () => verifyConsistency(m, n, r1, r2, [r2, ...proof])],
    ['preceding proof[0]', () => verifyConsistency(m, n, r1, r2, [proof[0] as Hash, ...proof])],
    ['truncated proof', () => verifyConsistency(m, n, r1, r2, proof.slice(0, -1))],
  ];
  proof.forEach((_, at) =>
    probes.push([`flipped proof[${at}]`, () => verifyConsistency(m, n, r1, r2, flip(proof, at))]),
  );
  return probes.filter(([, accepted]) => accepted()).map(([name]) => name);
};

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
    expect(toHex(rootFromInclusionProof(leaf, index, size, expected) ?? new Uint8Array())).toBe(ROOTS[size]);
    expect(verifyInclusion(leaf, index, size, expected, rootOf(size))).toBe(true);
    expect(inclusionProbes(leaf, index, size, expected, rootOf(size))).toEqual([]);
  });

  it.each(INCLUSION_PATHS)('audit path in %i leaves for leaf %i', (size, index, proof) => {
    expect(hexes(inclusionProof(LEAVES.slice(0, size), index))).toEqual(proof);
    expect(verifyInclusion(LEAVES[index] as Hash, index, size, proof.map(fromHex), rootOf(size))).toBe(true);
  });

  it.each(CONSISTENCY_VECTORS)('consistency proof $m -> $n', ({ m, n, proof }) => {
    const expected = proof.map(fromHex);
    expect(hexes(consistencyProof(LEAVES.slice(0, n), m))).toEqual(proof);
    expect(verifyConsistency(m, n, rootOf(m), rootOf(n), expected)).toBe(true);
    if (m < n) expect(consistencyProbes(m, n, rootOf(m), rootOf(n), expected)).toEqual([]);
  });

  it.each(CONSISTENCY_PATHS)('consistency path %i -> %i', (m, n, proof) => {
    expect(hexes(consistencyProof(LEAVES.slice(0, n), m))).toEqual(proof);
    expect(verifyConsistency(m, n, rootOf(m), rootOf(n), proof.map(fromHex))).toBe(true);
  });
});

describe('round trips over trees of 1..40 leaves', () => {
  const all = genLeaves(40);

  it('every inclusion proof verifies, and every corruption of it fails', () => {
    for (let size = 1; size <= 40; size++) {
      const leaves = all.slice(0, size);
      const root = merkleTreeHash(leaves);
      for (let index = 0; index < size; index++) {
        const leaf = leaves[index] as Hash;
        const proof = inclusionProof(leaves, index);
        expect(verifyInclusion(leaf, index, size, proof, root), `${index}/${size}`).toBe(true);
        expect(inclusionProbes(leaf, index, size, proof, root), `${index}/${size}`).toEqual([]);
        for (let at = 0; at < proof.length; at++) {
          for (const byte of [0, 17, 31]) {
            expect(verifyInclusion(leaf, index, size, flip(proof, at, byte), root)).toBe(false);
          }
        }
      }
    }
  });

  it('every consistency proof verifies, and every corruption of it fails', () => {
    for (let n = 1; n <= 40; n++) {
      const leaves = all.slice(0, n);
      const newRoot = merkleTreeHash(leaves);
      for (let m = 1; m <= n; m++) {
        const oldRoot = merkleTreeHash(leaves.slice(0, m));
        const proof = consistencyProof(leaves, m);
        expect(verifyConsistency(m, n, oldRoot, newRoot, proof), `${m}->${n}`).toBe(true);
        if (m === n) {
          expect(proof).toEqual([]);
          continue;
        }
        expect(consistencyProbes(m, n, oldRoot, newRoot, proof), `${m}->${n}`).toEqual([]);
        for (let at = 0; at < proof.length; at++) {
          for (const byte of [0, 17, 31]) {
            expect(verifyConsistency(m, n, oldRoot, newRoot, flip(proof, at, byte))).toBe(false);
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
    expect(verifyConsistency(0, 8, rootOf(0), rootOf(8), [])).toBe(true);
    expect(verifyConsistency(0, 0, rootOf(0), rootOf(0), [])).toBe(true);
    expect(verifyConsistency(0, 8, SOME_HASH, rootOf(8), [])).toBe(false);
    expect(verifyConsistency(0, 8, rootOf(0), rootOf(8), [rootOf(0)])).toBe(false);
  });

  it('equal sizes need equal roots and an empty proof', () => {
    expect(verifyConsistency(5, 5, rootOf(5), rootOf(5), [])).toBe(true);
    expect(verifyConsistency(5, 5, rootOf(5), rootOf(6), [])).toBe(false);
    expect(verifyConsistency(5, 5, rootOf(5), rootOf(5), [rootOf(0)])).toBe(false);
  });

  it('verifiers return false instead of throwing on nonsense', () => {
    const leaf = LEAVES[0] as Hash;
    for (const [index, size] of [
      [0, 0],
      [1, 0],
      [2, 1],
      [-1, 4],
      [0.5, 4],
      [0, Number.NaN],
      [0, 2 ** 60],
    ]) {
      expect(verifyInclusion(leaf, index as number, size as number, [], leaf)).toBe(false);
    }
    expect(verifyInclusion(leaf, 0, 1, [], leaf)).toBe(true);
    expect(verifyInclusion(new Uint8Array(), 0, 1, [], new Uint8Array())).toBe(false);
    expect(rootFromInclusionProof(leaf, 0, 2, [])).toBeNull();
    for (const [m, n] of [
      [1, 0],
      [2, 1],
      [-1, 3],
      [1.5, 3],
      [1, Number.POSITIVE_INFINITY],
    ]) {
      expect(verifyConsistency(m as number, n as number, rootOf(1), rootOf(2), [LEAVES[1] as Hash])).toBe(
        false,
      );
    }
    expect(verifyConsistency(1, 2, rootOf(1), rootOf(2), [LEAVES[1] as Hash])).toBe(true);
    expect(verifyConsistency(1, 2, new Uint8Array(), rootOf(2), [LEAVES[1] as Hash])).toBe(false);
  });
});
