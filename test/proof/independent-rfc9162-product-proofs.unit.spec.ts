import { describe, expect, it } from 'vitest';
import { leafHashOfBytes } from '../../domain/proof/leaf.js';
import { consistencyProof, inclusionProof } from '../../domain/proof/merkle-proofs.js';
import { merkleTreeHash } from '../../domain/proof/merkle-tree.js';
import {
  rfcLeafHash,
  rfcMerkleTreeHash,
  rfcVerifyConsistency,
  rfcVerifyInclusion,
} from '../support/independent-rfc9162.js';
import {
  acceptedConsistencyCorruptions,
  acceptedInclusionCorruptions,
} from './independent-rfc9162-corruptions.js';

/**
 * Every proof the product (domain/proof) makes for small trees, checked by the independent RFC 9162
 * implementation (test/support/independent-rfc9162.ts; the two share no code), with none of its
 * corruptions (independent-rfc9162-corruptions.ts) accepted.
 */

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

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
