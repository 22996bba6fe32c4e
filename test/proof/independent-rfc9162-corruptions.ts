import { createHash } from 'node:crypto';
import { rfcVerifyConsistency, rfcVerifyInclusion } from '../support/independent-rfc9162.js';

/**
 * The corruptions of inclusion and consistency proofs that the independent RFC 9162 implementation
 * (test/support/independent-rfc9162.ts) must refuse, for its tests (independent-rfc9162-*.unit.spec.ts):
 * on the reference vectors' proofs, and on every proof the product makes for small trees.
 */

export const EMPTY_ROOT = createHash('sha256').digest();
export const OTHER = Buffer.from('abacaba000000000000000000000000000000000000000000060061e00123456', 'hex');
/** proof with one bit of byte `byte` of element `at` flipped. */
const flip = (proof: readonly Buffer[], at: number, byte = 0): Buffer[] =>
  proof.map((p, n) => (n === at ? Buffer.from(p.map((x, y) => (y === byte ? x ^ 0x10 : x))) : p));

/** The names of the corruptions of an inclusion proof that the independent verifier accepts (none may be). */
export const acceptedInclusionCorruptions = (
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
export const acceptedConsistencyCorruptions = (
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
