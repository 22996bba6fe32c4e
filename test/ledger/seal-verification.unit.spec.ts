import { describe, expect, it } from 'vitest';
import { checkSeal, MISSING_SEAL_REASON, type FoundSeal } from '../../domain/ledger/seal-verification.js';
import { signedSeal, type SealedChain } from '../../domain/ledger/run-seal.js';
import { testSigner } from '../support/test-signer.js';

const TENANT = 'tenant-seal-check';
const RUN = '3f1c2b4a-5d6e-4f70-8a91-b2c3d4e5f607';
const chain: SealedChain = {
  tenant_id: TENANT,
  run_id: RUN,
  chain_length: 7,
  root_hash: 'a'.repeat(64),
  merkle_root: 'b'.repeat(64),
};
const recomputed = (completed: boolean) => ({
  chain_length: chain.chain_length,
  root_hash: chain.root_hash,
  merkle_root: chain.merkle_root,
  completed,
});
const { signer, knownKeys } = testSigner();
const found = (seal: ReturnType<typeof signedSeal>, ledgerIndex = 3): FoundSeal => ({
  ...seal,
  ledger_index: ledgerIndex,
});

describe('checkSeal: a completed run without a seal is a failure, never a state', () => {
  it('given a completed run, when the tenant ledger holds no seal of it, then the check fails on the missing checkpoint', () => {
    expect(checkSeal(TENANT, RUN, recomputed(true), null, knownKeys)).toEqual({
      seal: { status: 'unsealed', key_id: null, ledger_index: null, sealed_at: null },
      failure: {
        reason: MISSING_SEAL_REASON,
        divergence: {
          source: 'checkpoint',
          seq: null,
          field: 'checkpoint',
          expected: 'present',
          actual: null,
        },
      },
    });
    expect(MISSING_SEAL_REASON).toMatch(/completed but the tenant ledger holds no seal/);
  });

  it('given a run not completed, when it has no seal, then nothing fails: there is nothing to seal yet', () => {
    expect(checkSeal(TENANT, RUN, recomputed(false), null, knownKeys)).toEqual({
      seal: { status: 'not_completed', key_id: null, ledger_index: null, sealed_at: null },
      failure: null,
    });
  });

  it('given a completed run, when its seal matches the chain, then it is sealed, with no late field', () => {
    const seal = signedSeal(chain, signer, '2026-03-01T10:00:00.000Z');
    const check = checkSeal(TENANT, RUN, recomputed(true), found(seal), knownKeys);
    expect(check).toEqual({
      seal: {
        status: 'sealed',
        key_id: signer.keyId,
        ledger_index: 3,
        sealed_at: '2026-03-01T10:00:00.000Z',
      },
      failure: null,
    });
    expect('late' in check.seal).toBe(false);
  });

  it('given a seal made late by an operator, when it matches the chain, then it is sealed and says by whom, why and when', () => {
    const late = { by: 'ops: Jane Doe', reason: 'completed before sealing was transactional' };
    const seal = signedSeal(chain, signer, '2026-03-02T08:30:00.000Z', late);
    expect(seal.checkpoint.late).toEqual(late);
    expect(checkSeal(TENANT, RUN, recomputed(true), found(seal, 9), knownKeys)).toEqual({
      seal: {
        status: 'sealed',
        key_id: signer.keyId,
        ledger_index: 9,
        sealed_at: '2026-03-02T08:30:00.000Z',
        late,
      },
      failure: null,
    });
  });

  it('given a late seal, when its late field is removed or changed, then the signature no longer verifies', () => {
    const seal = signedSeal(chain, signer, '2026-03-02T08:30:00.000Z', { by: 'ops' });
    const { late: _removed, ...withoutLate } = seal.checkpoint;
    for (const checkpoint of [withoutLate, { ...seal.checkpoint, late: { by: 'someone else' } }]) {
      expect(
        checkSeal(TENANT, RUN, recomputed(true), found({ ...seal, checkpoint }), knownKeys).failure
          ?.divergence,
      ).toMatchObject({ source: 'checkpoint', field: 'signature' });
    }
  });
});
