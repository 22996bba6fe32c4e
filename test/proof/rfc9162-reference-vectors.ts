import { createHash } from 'node:crypto';

/**
 * RFC 9162 / Certificate Transparency reference vectors, as hex strings, shared by the product's
 * Merkle proof tests (merkle-proofs.unit.spec.ts) and the independent implementation's
 * (independent-rfc9162-vectors.unit.spec.ts). Plain data: nothing here uses domain/.
 */

// Reference data of the Certificate Transparency merkle tree tests (merkle_tree_test.cc),
// as carried over to transparency-dev/merkle:
//   - testonly/constants.go: LeafInputs(), NodeHashes() (complete subtrees, by level), RootHashes()
//   - proof/verify_test.go: inclusionProofs (1-based leaf numbers there), consistencyProofs
//   - proof/proof_test.go: TestInclusion / TestConsistency node lists (letters as named there)
export const LEAF_INPUTS = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];

export const NODE_HASHES = [
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
export const ROOTS = [
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
export const INCLUSION_VECTORS: { index: number; size: number; proof: string[] }[] = [
  { index: 0, size: 1, proof: [] },
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];

/** proof/verify_test.go consistencyProofs. */
export const CONSISTENCY_VECTORS: { m: number; n: number; proof: string[] }[] = [
  { m: 1, n: 1, proof: [] },
  {
    m: 1,
    n: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    m: 6,
    n: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    m: 2,
    n: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    m: 6,
    n: 7,
    proof: [
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
const l7 = createHash('sha256')
  .update(Buffer.from([1]))
  .update(Buffer.from(i, 'hex'))
  .update(Buffer.from(j, 'hex'))
  .digest('hex');

/** proof/proof_test.go TestInclusion node lists for trees of at most 8 leaves. */
export const INCLUSION_PATHS: [size: number, index: number, proof: string[]][] = [
  [1, 0, []],
  [2, 0, [b]],
  [2, 1, [a]],
  [3, 1, [a, c]],
  [7, 0, [b, h, l7]],
  [7, 1, [a, h, l7]],
  [7, 2, [d, g, l7]],
  [7, 3, [c, g, l7]],
  [7, 4, [f, j, k]],
  [7, 5, [e, j, k]],
  [7, 6, [i, k]],
  [4, 2, [d, g]],
  [5, 3, [c, g, e]],
  [6, 3, [c, g, i]],
  [6, 4, [f, k]],
];

/** proof/proof_test.go TestConsistency node lists for trees of at most 8 leaves. */
export const CONSISTENCY_PATHS: [m: number, n: number, proof: string[]][] = [
  [1, 2, [b]],
  [1, 4, [b, h]],
  [1, 6, [b, h, i]],
  [2, 3, [c]],
  [2, 8, [h, l]],
  [3, 7, [c, d, g, l7]],
  [4, 7, [l7]],
  [5, 7, [e, f, j, k]],
  [6, 7, [i, j, k]],
  [7, 8, [j, leaf7, i, k]],
  [1, 1, []],
  [2, 2, []],
  [3, 3, []],
  [4, 4, []],
  [5, 5, []],
  [7, 7, []],
  [8, 8, []],
  [2, 4, [h]],
  [3, 5, [c, d, g, e]],
  [3, 6, [c, d, g, i]],
  [4, 6, [i]],
  [1, 7, [b, h, l7]],
];
