import { readFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { applySealTimestamp } from '../../domain/bundle/bundle-seal-timestamp.js';
import type { BundleVerdict } from '../../domain/bundle/bundle-verification.js';
import { parseTsaCertificate } from '../../domain/timestamp/tsa-certificate.js';

/** Tokens made by `openssl ts` (test/vectors/rfc3161/tokens.json). */
const vectors = JSON.parse(
  readFileSync(new URL('../vectors/rfc3161/tokens.json', import.meta.url), 'utf8'),
) as Record<'signature' | 'other_signature' | 'token' | 'token_b' | 'tsa_cert_a', string>;

const verified: BundleVerdict = {
  tenant_id: 't',
  run_id: 'r',
  key_trust: 'pinned',
  seal: { status: 'sealed', key_id: 'k', ledger_index: 0, sealed_at: null },
  integrity: {
    model: 'HASH_CHAIN',
    verification_status: 'VERIFIED',
    chain_length: 1,
    root_hash: null,
    merkle_root: null,
    failure_reason: null,
    divergence: null,
  },
};
const tsa = (() => {
  const parsed = parseTsaCertificate(new TextEncoder().encode(vectors.tsa_cert_a));
  if (E.isLeft(parsed)) throw new Error(parsed.left);
  return parsed.right;
})();
const bundle = (token: string | undefined, signature = vectors.signature) => ({
  signature,
  ...(token === undefined ? {} : { seal_timestamp: { token } }),
});

describe("a bundle's verdict with its seal's time stamp (RUNPROOF-FORMAT section 9, step 11)", () => {
  it('verified with the pinned TSA certificate, with genTime; not_checked without one; absent without a token', () => {
    const pinned = applySealTimestamp(bundle(vectors.token), verified, tsa);
    expect(pinned.integrity.verification_status).toBe('VERIFIED');
    expect(pinned.seal_timestamp).toMatchObject({
      status: 'verified',
      tsa: expect.stringContaining('vector-a TSA'),
    });
    expect(pinned.seal_timestamp.gen_time).toMatch(/Z$/);
    expect(applySealTimestamp(bundle(vectors.token), verified, null).seal_timestamp.status).toBe(
      'not_checked',
    );
    expect(applySealTimestamp(bundle(undefined), verified, null).seal_timestamp.status).toBe('absent');
  });

  it('fails a VERIFIED bundle on a token over another signature, from another TSA, or missing when a TSA is pinned', () => {
    const fieldOf = (document: unknown, pin: typeof tsa | null) =>
      applySealTimestamp(document, verified, pin).integrity.divergence?.field;
    expect(fieldOf(bundle(vectors.token, vectors.other_signature), null)).toBe(
      'seal_timestamp.message_imprint',
    );
    expect(fieldOf(bundle(vectors.token_b), tsa)).toBe('seal_timestamp.tsa_certificate');
    expect(fieldOf(bundle(undefined), tsa)).toBe('seal_timestamp');
    expect(fieldOf(bundle('MAMCAQE='), null)).toBe('seal_timestamp.token');
  });

  it('leaves a verdict that is not VERIFIED as it is, and still says what the token is', () => {
    const failed: BundleVerdict = {
      ...verified,
      integrity: { ...verified.integrity, verification_status: 'FAILED' },
    };
    const result = applySealTimestamp(bundle(vectors.token_b), failed, tsa);
    expect(result.integrity).toEqual(failed.integrity);
    expect(result.seal_timestamp.status).toBe('failed');
  });
});
