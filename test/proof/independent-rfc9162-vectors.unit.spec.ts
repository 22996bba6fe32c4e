import { describe, expect, it } from 'vitest';
import {
  fromHexList,
  rfcLeafHash,
  rfcMerkleTreeHash,
  rfcVerifyConsistency,
  rfcVerifyInclusion,
} from '../support/independent-rfc9162.js';
import {
  EMPTY_ROOT,
  OTHER,
  acceptedConsistencyCorruptions,
  acceptedInclusionCorruptions,
} from './independent-rfc9162-corruptions.js';
import {
  CONSISTENCY_PATHS,
  CONSISTENCY_VECTORS,
  INCLUSION_PATHS,
  INCLUSION_VECTORS,
  LEAF_INPUTS,
  NODE_HASHES,
  ROOTS,
} from './rfc9162-reference-vectors.js';

/**
 * The independent RFC 9162 implementation the e2e tests check the CLI's proofs with
 * (test/support/independent-rfc9162.ts) is itself checked here: against the same CT /
 * transparency-dev reference vectors as the product, with the corruptions that must fail
 * (independent-rfc9162-corruptions.ts). Against every proof the product makes for small trees:
 * independent-rfc9162-product-proofs.unit.spec.ts.
 */

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const LEAVES = LEAF_INPUTS.map((x) => rfcLeafHash(Buffer.from(x, 'hex')));
const rootOf = (size: number): Buffer => Buffer.from(ROOTS[size] as string, 'hex');

describe('the independent RFC 9162 implementation on the CT / transparency-dev reference vectors', () => {
  it('hashes the reference leaves, every complete subtree and the root of every prefix 0..8', () => {
    expect(LEAVES.map(hex)).toEqual(NODE_HASHES[0]);
    NODE_HASHES.forEach((level, depth) => {
      const width = 2 ** depth;
      expect(
        level.map((_, at) => hex(rfcMerkleTreeHash(LEAVES.slice(at * width, (at + 1) * width)))),
        `level ${depth}`,
      ).toEqual(level);
    });
    for (let size = 0; size <= 8; size++)
      expect(hex(rfcMerkleTreeHash(LEAVES.slice(0, size))), `size ${size}`).toBe(ROOTS[size]);
  });

  describe('inclusion', () => {
    const cases = [
      ...INCLUSION_VECTORS.map((v) => ({ name: `verify_test.go leaf ${v.index} of ${v.size}`, ...v })),
      ...INCLUSION_PATHS.map(([size, index, proof]) => ({
        name: `proof_test.go leaf ${index} of ${size}`,
        size,
        index,
        proof,
      })),
    ];
    it.each(cases)('accepts $name, and none of its corruptions', ({ index, size, proof }) => {
      const path = fromHexList(proof);
      const leaf = LEAVES[index] as Buffer;
      expect(rfcVerifyInclusion(leaf, index, size, path, rootOf(size))).toBe(true);
      expect(acceptedInclusionCorruptions(leaf, index, size, path, rootOf(size))).toEqual([]);
    });

    it('answers false, never throws, on sizes and indices outside the tree', () => {
      const leaf = LEAVES[0] as Buffer;
      for (const [index, size] of [
        [0, 0],
        [1, 1],
        [8, 8],
        [-1, 8],
        [0.5, 8],
        [0, Number.NaN],
        [0, Number.POSITIVE_INFINITY],
        [0, 2 ** 60],
      ] as const) {
        expect(rfcVerifyInclusion(leaf, index, size, [], leaf), `${index}/${size}`).toBe(false);
      }
      expect(rfcVerifyInclusion(leaf, 0, 1, [], leaf)).toBe(true);
      expect(rfcVerifyInclusion(Buffer.alloc(0), 0, 1, [], Buffer.alloc(0))).toBe(false);
    });
  });

  describe('consistency', () => {
    const cases = [
      ...CONSISTENCY_VECTORS.map((v) => ({ name: `verify_test.go ${v.m} -> ${v.n}`, ...v })),
      ...CONSISTENCY_PATHS.map(([m, n, proof]) => ({ name: `proof_test.go ${m} -> ${n}`, m, n, proof })),
    ];
    it.each(cases)('accepts $name, and none of its corruptions', ({ m, n, proof }) => {
      const hashes = fromHexList(proof);
      expect(rfcVerifyConsistency(m, n, rootOf(m), rootOf(n), hashes)).toBe(true);
      if (m === n) {
        expect(rfcVerifyConsistency(m, n, rootOf(m), rootOf(n), [rootOf(m)])).toBe(false);
        expect(rfcVerifyConsistency(m, n, rootOf(m), OTHER, [])).toBe(false);
      } else {
        expect(acceptedConsistencyCorruptions(m, n, rootOf(m), rootOf(n), hashes)).toEqual([]);
      }
    });

    it('takes the empty tree as the prefix of every tree only with its root H("") and an empty proof', () => {
      expect(hex(EMPTY_ROOT)).toBe(ROOTS[0]);
      expect(rfcVerifyConsistency(0, 8, rootOf(0), rootOf(8), [])).toBe(true);
      expect(rfcVerifyConsistency(0, 0, rootOf(0), rootOf(0), [])).toBe(true);
      expect(rfcVerifyConsistency(0, 8, OTHER, rootOf(8), [])).toBe(false);
      expect(rfcVerifyConsistency(0, 8, rootOf(0), rootOf(8), [rootOf(0)])).toBe(false);
    });

    it('answers false, never throws, on sizes that cannot be', () => {
      const proof = [LEAVES[1] as Buffer];
      expect(rfcVerifyConsistency(1, 2, rootOf(1), rootOf(2), proof)).toBe(true);
      for (const [m, n] of [
        [2, 1],
        [-1, 2],
        [1.5, 2],
        [1, Number.NaN],
        [1, Number.POSITIVE_INFINITY],
      ] as const) {
        expect(rfcVerifyConsistency(m, n, rootOf(1), rootOf(2), proof), `${m}->${n}`).toBe(false);
      }
      expect(rfcVerifyConsistency(1, 2, Buffer.alloc(0), rootOf(2), proof)).toBe(false);
    });
  });
});
