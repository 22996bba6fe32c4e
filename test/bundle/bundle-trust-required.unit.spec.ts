import { describe, expect, it } from 'vitest';
import { verifyBundle } from '../../domain/bundle/bundle-verification.js';
import { copyOf, generateTestKey, sampleBundle } from './sample-bundle.js';

/** Issue 17, point 5: a verdict never rests on a key found only in the bundle, unless the auditor
 * says so; a bundle without a seal is UNSEALED, never VERIFIED. */
describe('pinned trust in the offline verifier', () => {
  const key = generateTestKey();
  const bundle = sampleBundle(key);

  it('fails with no trusted key, naming the key the bundle is signed by', () => {
    const verdict = verifyBundle(bundle, []);
    expect(verdict.key_trust).toBe('pinned');
    expect(verdict.integrity).toMatchObject({
      verification_status: 'FAILED',
      divergence: { source: 'bundle', field: 'public_keys', actual: key.keyId },
    });
    expect(verdict.integrity.failure_reason).toContain(`signed by key ${key.keyId}`);
  });

  it('verifies with the pinned key, and with the embedded key only when told to trust it', () => {
    expect(verifyBundle(bundle, [key.raw]).integrity.verification_status).toBe('VERIFIED');
    const embedded = verifyBundle(bundle, 'embedded');
    expect(embedded.integrity.verification_status).toBe('VERIFIED');
    expect(embedded.key_trust).toBe('embedded');
  });

  it('fails with another key', () => {
    expect(verifyBundle(bundle, [generateTestKey().raw]).integrity).toMatchObject({
      verification_status: 'FAILED',
      failure_reason: 'the trusted public key is not the key of this bundle',
    });
  });

  it('says UNSEALED for a completed run without a seal, whatever is trusted', () => {
    const unsealed = { ...copyOf(bundle), checkpoint: null, signature: null, ledger: null };
    for (const trust of [[key.raw], [], 'embedded' as const]) {
      const verdict = verifyBundle(unsealed, trust);
      expect(verdict.integrity.verification_status).toBe('UNSEALED');
      expect(verdict.seal.status).toBe('unsealed');
    }
  });
});
