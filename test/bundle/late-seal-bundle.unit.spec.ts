import { describe, expect, it } from 'vitest';
import { verifyBundle } from '../../domain/bundle/bundle-verification.js';
import { copyOf, generateTestKey, sampleBundle } from './sample-bundle.js';

// The offline verifier and a run sealed late by an operator (docs/RUNPROOF-FORMAT.md section 6):
// the `late` field is part of the signed checkpoint and of its ledger leaf.
describe('a bundle of a run sealed late', () => {
  const key = generateTestKey();
  const late = { by: 'ops: Jane Doe', reason: 'completed before seals were transactional' };

  it('given a late seal, when the bundle is verified with the key pinned, then it is VERIFIED and the seal says by whom and why', () => {
    const verdict = verifyBundle(sampleBundle(key, 1, late), key.raw);
    expect(verdict.integrity.verification_status).toBe('VERIFIED');
    expect(verdict.seal).toEqual({
      status: 'sealed',
      key_id: key.keyId,
      ledger_index: 1,
      sealed_at: '2026-02-09T12:00:01.234Z',
      late,
    });
  });

  it('given a late seal, when its late field is removed from the bundle, then the signature fails', () => {
    const bundle = copyOf(sampleBundle(key, 1, late));
    delete (bundle.checkpoint as { late?: unknown }).late;
    expect(verifyBundle(bundle, key.raw).integrity).toMatchObject({
      verification_status: 'FAILED',
      divergence: { source: 'checkpoint', field: 'signature' },
    });
  });

  it('given a late seal, when its late field carries a field the format does not have, then the bundle is refused as malformed', () => {
    const bundle = copyOf(sampleBundle(key, 1, late)) as unknown as { checkpoint: { late: object } };
    bundle.checkpoint.late = { ...late, at: '2026-02-09T12:00:01.234Z' };
    expect(verifyBundle(bundle, key.raw).integrity).toMatchObject({
      verification_status: 'FAILED',
      divergence: { source: 'bundle' },
    });
  });
});
