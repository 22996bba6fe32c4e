import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { leafHashOfBytes } from '../../domain/proof/leaf.js';
import { consistencyProof, inclusionProof } from '../../domain/proof/merkle-proofs.js';
import { merkleTreeHash } from '../../domain/proof/merkle-tree.js';
import {
  fromHexList,
  rfcLeafHash,
  rfcMerkleTreeHash,
  rfcVerifyConsistency,
  rfcVerifyInclusion,
} from '../support/independent-rfc9162.js';
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
 * transparency-dev reference vectors as the product, with the corruptions that must fail, and then
 * against every proof the product makes for small trees (the two implementations share no code).
 */

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const LEAVES = LEAF_INPUTS.map((x) => rfcLeafHash(Buffer.from(x, 'hex')));
const rootOf = (size: number): Buffer => Buffer.from(ROOTS[size] as string, 'hex');
const EMPTY_ROOT = createHash('sha256').digest();
const OTHER = Buffer.from('abacaba000000000000000000000000000000000000000000060061e00123456', 'hex');
/** proof with one bit of byte `byte` of element `at` flipped. */
const flip = (proof: readonly Buffer[], at: number, byte = 0): Buffer[] =>
  proof.map((p, n) => (n === at ? Buffer.from(p.map((x, y) => (y === byte ? x ^ 0x10 : x))) : p));

/** The names of the corruptions of an inclusion proof that the independent verifier accepts (none may be). */
const acceptedInclusionCorruptions = (
  leaf: Buffer,
  index: number,
  size: number,
  proof: Buffer[],
  root: Buffer,
): string[] => {
  const probes: [string, () => boolean][] = [
    ['wrong root (empty tree)', () => rfcVerifyInclusion(leaf, index, size, proof, EMPTY_ROOT)],
    ['wrong root (other hash)', () => rfcVerifyInclusion(leaf, index, size, proof, OTHER)],
    ['wrong root (the leaf)', () => size > 1 && rfcVerifyInclusion(leaf, index, size, proof, leaf)],
    ['wrong leaf', () => rfcVerifyInclusion(OTHER, index, size, proof, root)],
    ['index - 1', () => rfcVerifyInclusion(leaf, index - 1, size, proof, root)],
    ['index + 1', () => rfcVerifyInclusion(leaf, index + 1, size, proof, root)],
    ['index ^ 2', () => rfcVerifyInclusion(leaf, index ^ 2, size, proof, root)],
    ['size * 2', () => rfcVerifyInclusion(leaf, index, size * 2, proof, root)],
    ['size / 2', () => rfcVerifyInclusion(leaf, index, Math.floor(size / 2), proof, root)],
    [
      'truncated path',
      () => proof.length > 0 && rfcVerifyInclusion(leaf, index, size, proof.slice(0, -1), root),
    ],
    [
      'path without its first hash',
      () => proof.length > 0 && rfcVerifyInclusion(leaf, index, size, proof.slice(1), root),
    ],
    ['extended path (root appended)', () => rfcVerifyInclusion(leaf, index, size, [...proof, root], root)],
    ['extended path (root prepended)', () => rfcVerifyInclusion(leaf, index, size, [root, ...proof], root)],
    [
      'extended path (hash inserted)',
      () =>
        proof.length > 0 &&
        rfcVerifyInclusion(leaf, index, size, [proof[0] as Buffer, OTHER, ...proof.slice(1)], root),
    ],
    [
      'a 31-byte hash in the path',
      () =>
        proof.length > 0 &&
        rfcVerifyInclusion(leaf, index, size, [proof[0]!.subarray(1), ...proof.slice(1)], root),
    ],
    [
      'reversed path',
      () => proof.length > 1 && rfcVerifyInclusion(leaf, index, size, [...proof].reverse(), root),
    ],
  ];
  proof.forEach((_, at) =>
    probes.push([
      `flipped path[${at}]`,
      () => rfcVerifyInclusion(leaf, index, size, flip(proof, at, at % 32), root),
    ]),
  );
  return probes.filter(([, accepted]) => accepted()).map(([name]) => name);
};

/** The names of the corruptions of a consistency proof m -> n (m < n) that the independent verifier accepts. */
const acceptedConsistencyCorruptions = (
  m: number,
  n: number,
  r1: Buffer,
  r2: Buffer,
  proof: Buffer[],
): string[] => {
  const probes: [string, () => boolean][] = [
    ['wrong old root', () => rfcVerifyConsistency(m, n, OTHER, r2, proof)],
    ['wrong new root', () => rfcVerifyConsistency(m, n, r1, OTHER, proof)],
    ['swapped roots', () => rfcVerifyConsistency(m, n, r2, r1, proof)],
    ['swapped sizes', () => rfcVerifyConsistency(n, m, r1, r2, proof)],
    ['m - 1', () => rfcVerifyConsistency(m - 1, n, r1, r2, proof)],
    ['m + 1', () => rfcVerifyConsistency(m + 1, n, r1, r2, proof)],
    ['n * 2', () => rfcVerifyConsistency(m, n * 2, r1, r2, proof)],
    ['empty proof', () => rfcVerifyConsistency(m, n, r1, r2, [])],
    ['truncated proof', () => rfcVerifyConsistency(m, n, r1, r2, proof.slice(0, -1))],
    ['proof without its first hash', () => rfcVerifyConsistency(m, n, r1, r2, proof.slice(1))],
    ['extended proof (old root appended)', () => rfcVerifyConsistency(m, n, r1, r2, [...proof, r1])],
    ['extended proof (new root appended)', () => rfcVerifyConsistency(m, n, r1, r2, [...proof, r2])],
    ['extended proof (old root prepended)', () => rfcVerifyConsistency(m, n, r1, r2, [r1, ...proof])],
    [
      'extended proof (proof[0] repeated)',
      () => rfcVerifyConsistency(m, n, r1, r2, [proof[0] as Buffer, ...proof]),
    ],
    [
      'a 33-byte hash in the proof',
      () =>
        rfcVerifyConsistency(m, n, r1, r2, [
          Buffer.concat([proof[0] as Buffer, Buffer.of(0)]),
          ...proof.slice(1),
        ]),
    ],
  ];
  proof.forEach((_, at) =>
    probes.push([
      `flipped proof[${at}]`,
      () => rfcVerifyConsistency(m, n, r1, r2, flip(proof, at, 31 - (at % 32))),
    ]),
  );
  return probes.filter(([, accepted]) => accepted()).map(([name]) => name);
};

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

describe("the product's proofs (domain/proof) checked by the independent implementation", () => {
  const leafBytes = (x: number): Buffer => Buffer.from(`leaf-${x * 7919}`, 'utf8');
  const independentLeaves = Array.from({ length: 70 }, (_, x) => rfcLeafHash(leafBytes(x)));
  const productLeaves = Array.from({ length: 70 }, (_, x) => leafHashOfBytes(leafBytes(x)));
  const asBuffers = (hashes: readonly Uint8Array[]): Buffer[] => hashes.map((h) => Buffer.from(h));

  it('hashes the same leaves and the same root for every tree size 0..70', () => {
    expect(productLeaves.map(hex)).toEqual(independentLeaves.map(hex));
    for (let size = 0; size <= 70; size++) {
      expect(hex(merkleTreeHash(productLeaves.slice(0, size))), `size ${size}`).toBe(
        hex(rfcMerkleTreeHash(independentLeaves.slice(0, size))),
      );
    }
  });

  it('every inclusion proof of every leaf in trees of 1..70 leaves verifies, and no corruption of it does', () => {
    const wrong: string[] = [];
    let checked = 0;
    for (let size = 1; size <= 70; size++) {
      const root = rfcMerkleTreeHash(independentLeaves.slice(0, size));
      for (let index = 0; index < size; index++) {
        const leaf = independentLeaves[index] as Buffer;
        const proof = asBuffers(inclusionProof(productLeaves.slice(0, size), index));
        if (!rfcVerifyInclusion(leaf, index, size, proof, root)) wrong.push(`${index}/${size}: rejected`);
        const accepted = acceptedInclusionCorruptions(leaf, index, size, proof, root);
        if (accepted.length > 0) wrong.push(`${index}/${size}: accepted ${accepted.join(', ')}`);
        checked += 1;
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBe((70 * 71) / 2);
  });

  it('every consistency proof m -> n for 0 <= m <= n <= 40 verifies, and no corruption of it does', () => {
    const wrong: string[] = [];
    let checked = 0;
    for (let n = 1; n <= 40; n++) {
      const newRoot = rfcMerkleTreeHash(independentLeaves.slice(0, n));
      for (let m = 0; m <= n; m++) {
        const oldRoot = rfcMerkleTreeHash(independentLeaves.slice(0, m));
        const proof = asBuffers(consistencyProof(productLeaves.slice(0, n), m));
        if (!rfcVerifyConsistency(m, n, oldRoot, newRoot, proof)) wrong.push(`${m}->${n}: rejected`);
        if (m > 0 && m < n) {
          const accepted = acceptedConsistencyCorruptions(m, n, oldRoot, newRoot, proof);
          if (accepted.length > 0) wrong.push(`${m}->${n}: accepted ${accepted.join(', ')}`);
        } else if (proof.length !== 0)
          wrong.push(`${m}->${n}: proof of ${proof.length} hashes, RFC 9162 gives none`);
        checked += 1;
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBe((40 * 43) / 2);
  });

  it('rejects a consistency proof between two trees that do not share the prefix', () => {
    // Same sizes, same proof shape, but the newer tree's leaf 2 differs: no proof may connect them.
    const forged = [...independentLeaves.slice(0, 9)];
    forged[2] = rfcLeafHash(Buffer.from('forged'));
    for (let m = 3; m < 9; m++) {
      const proof = asBuffers(consistencyProof(forged.slice(0, 9), m));
      expect(
        rfcVerifyConsistency(
          m,
          9,
          rfcMerkleTreeHash(independentLeaves.slice(0, m)),
          rfcMerkleTreeHash(forged),
          proof,
        ),
        `${m}->9`,
      ).toBe(false);
      expect(
        rfcVerifyConsistency(m, 9, rfcMerkleTreeHash(forged.slice(0, m)), rfcMerkleTreeHash(forged), proof),
        `${m}->9 control`,
      ).toBe(true);
    }
  });
});
