import { describe, expect, it } from 'vitest';
import { verifyBundle } from '../../domain/bundle/bundle-verification.js';
import { copyOf, generateTestKey, sampleBundle } from './sample-bundle.js';

/** A sealed run's bundle whose last events were cut off: the verdict says what it found, the
 * number of events the seal covers and the number the bundle holds, pinned key or not. */
describe('a sealed bundle cut short', () => {
  const key = generateTestKey();
  const bundle = sampleBundle(key);
  const sealed = bundle.checkpoint?.chain_length ?? 0;

  it.each([
    ['pinned to the sealing key', key.raw],
    ['with the key it carries', 'embedded' as const],
  ])('names N events sealed and M present, %s', (_case, pinned) => {
    for (const present of [1, sealed - 1]) {
      const cut = copyOf(bundle);
      cut.events = cut.events.slice(0, present);
      const verdict = verifyBundle(cut, pinned);
      expect(verdict.integrity.verification_status).toBe('FAILED');
      expect(verdict.integrity.failure_reason).toBe(
        `the bundle holds ${present} of the ${sealed} events its seal covers: events were removed after the run was sealed (${sealed} sealed, ${present} present)`,
      );
      expect(verdict.integrity.divergence).toEqual({
        source: 'checkpoint',
        seq: present,
        field: 'chain_length',
        expected: sealed,
        actual: present,
      });
      expect(verdict.seal).toMatchObject({ status: 'sealed', key_id: key.keyId });
    }
  });

  it('says UNSEALED, nothing signed, when an unfinished run comes with no seal', () => {
    const unsealed = { ...copyOf(bundle), checkpoint: null, signature: null, ledger: null };
    unsealed.events = unsealed.events.slice(0, sealed - 1);
    for (const trust of [key.raw, 'embedded' as const])
      expect(verifyBundle(unsealed, trust).integrity).toMatchObject({
        verification_status: 'UNSEALED',
        failure_reason:
          'the run has not completed, so nothing in the bundle is signed: no key can vouch for it',
      });
  });

  it('reports a forged seal over a cut bundle as the forgery, not as a count', () => {
    const forged = copyOf(bundle);
    forged.events = forged.events.slice(0, sealed - 1);
    if (forged.checkpoint) forged.checkpoint.chain_length = sealed - 1;
    expect(verifyBundle(forged, key.raw).integrity.divergence).toMatchObject({ field: 'signature' });
  });
});
