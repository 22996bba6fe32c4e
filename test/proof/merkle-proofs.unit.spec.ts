import { createHash } from 'node:crypto';
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

// Reference data of the Certificate Transparency merkle tree tests (merkle_tree_test.cc),
// as carried over to transparency-dev/merkle:
//   - testonly/constants.go: LeafInputs(), NodeHashes() (complete subtrees, by level), RootHashes()
//   - proof/verify_test.go: inclusionProofs (1-based leaf numbers there), consistencyProofs
//   - proof/proof_test.go: TestInclusion / TestConsistency node lists (letters as named there)
const LEAF_INPUTS = [
  '', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f',
];

const NODE_HASHES = [
  [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
    '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
  ],
  [
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  ],
  [
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
  ],
  ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
];

/** Roots by tree size 0..8. */
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/** proof/verify_test.go inclusionProofs, with its 1-based leaf numbers made 0-based indices. */
const INCLUSION_VECTORS: { index: number; size: number; proof: string[] }[] = [
  { index: 0, size: 1, proof: [] },
  {
    index: 0, size: 8, proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5, size: 8, proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1, size: 5, proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];

/** proof/verify_test.go consistencyProofs. */
const CONSISTENCY_VECTORS: { m: number; n: number; proof: string[] }[] = [
  { m: 1, n: 1, proof: [] },
  {
    m: 1, n: 8, proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    m: 6, n: 8, proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    m: 2, n: 5, proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    m: 6, n: 7, proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

// Node names of proof/proof_test.go: level 0 a..f, j, then the 8th leaf; level 1 g h i; level 2 k l.
const [lvl0, lvl1, lvl2] = NODE_HASHES as [string[], string[], string[]];
const [a, b, c, d, e, f, j, leaf7] = lvl0 as [string, string, string, string, string, string, string, string];
const [g, h, i] = lvl1 as [string, string, string];
const [k, l] = lvl2 as [string, string];
// proof_test.go "l=hash(i,j)" in the 7-leaf tree (its rehash): computed here with node:crypto directly.
const l7 = createHash('sha256').update(Buffer.from([1])).update(fromHex(i)).update(fromHex(j)).digest('hex');

/** proof/proof_test.go TestInclusion node lists for trees of at most 8 leaves. */
const INCLUSION_PATHS: [size: number, index: number, proof: string[]][] = [
  [1, 0, []], [2, 0, [b]], [2, 1, [a]], [3, 1, [a, c]],
  [7, 0, [b, h, l7]], [7, 1, [a, h, l7]], [7, 2, [d, g, l7]], [7, 3, [c, g, l7]],
  [7, 4, [f, j, k]], [7, 5, [e, j, k]], [7, 6, [i, k]],
  [4, 2, [d, g]], [5, 3, [c, g, e]], [6, 3, [c, g, i]], [6, 4, [f, k]],
];

/** proof/proof_test.go TestConsistency node lists for trees of at most 8 leaves. */
const CONSISTENCY_PATHS: [m: number, n: number, proof: string[]][] = [
  [1, 2, [b]], [1, 4, [b, h]], [1, 6, [b, h, i]], [2, 3, [c]], [2, 8, [h, l]],
  [3, 7, [c, d, g, l7]], [4, 7, [l7]], [5, 7, [e, f, j, k]], [6, 7, [i, j, k]],
  [7, 8, [j, leaf7, i, k]],
  [1, 1, []], [2, 2, []], [3, 3, []], [4, 4, []], [5, 5, []], [7, 7, []], [8, 8, []],
  [2, 4, [h]], [3, 5, [c, d, g, e]], [3, 6, [c, d, g, i]], [4, 6, [i]], [1, 7, [b, h, l7]],
];

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
    ['removed component', () => proof.length > 0 && verifyInclusion(leaf, index, size, proof.slice(0, -1), root)],
    ['inserted component', () => proof.length > 1 &&
      verifyInclusion(leaf, index, size, [proof[0] as Hash, SOME_HASH, ...proof.slice(1)], root)],
  ];
  proof.forEach((_, at) => probes.push([`flipped proof[${at}]`, () => verifyInclusion(leaf, index, size, flip(proof, at), root)]));
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
  proof.forEach((_, at) => probes.push([`flipped proof[${at}]`, () => verifyConsistency(m, n, r1, r2, flip(proof, at))]));
  return probes.filter(([, accepted]) => accepted()).map(([name]) => name);
};

describe('CT / RFC 6962 reference vectors', () => {
  it('leaf hashes and roots of every prefix match', () => {
    expect(hexes(LEAVES)).toEqual(NODE_HASHES[0]);
    for (let size = 0; size <= 8; size++) expect(toHex(merkleTreeHash(LEAVES.slice(0, size)))).toBe(ROOTS[size]);
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
    for (const [index, size] of [[0, 0], [1, 0], [2, 1], [-1, 4], [0.5, 4], [0, Number.NaN], [0, 2 ** 60]]) {
      expect(verifyInclusion(leaf, index as number, size as number, [], leaf)).toBe(false);
    }
    expect(verifyInclusion(leaf, 0, 1, [], leaf)).toBe(true);
    expect(verifyInclusion(new Uint8Array(), 0, 1, [], new Uint8Array())).toBe(false);
    expect(rootFromInclusionProof(leaf, 0, 2, [])).toBeNull();
    for (const [m, n] of [[1, 0], [2, 1], [-1, 3], [1.5, 3], [1, Number.POSITIVE_INFINITY]]) {
      expect(verifyConsistency(m as number, n as number, rootOf(1), rootOf(2), [LEAVES[1] as Hash])).toBe(false);
    }
    expect(verifyConsistency(1, 2, rootOf(1), rootOf(2), [LEAVES[1] as Hash])).toBe(true);
    expect(verifyConsistency(1, 2, new Uint8Array(), rootOf(2), [LEAVES[1] as Hash])).toBe(false);
  });
});
