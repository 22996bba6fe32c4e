import { readFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { timestampSeal, type SealToStamp } from '../../application/ledger/timestamp-seal.js';
import type { TimestampAuthority } from '../../application/ports/timestamp-authority.js';
import { inMemorySealTimestamps } from '../support/in-memory/in-memory-seal-timestamps.js';

/** Tokens made by `openssl ts` (test/vectors/rfc3161/tokens.json). */
const vectors = JSON.parse(
  readFileSync(new URL('../vectors/rfc3161/tokens.json', import.meta.url), 'utf8'),
) as Record<'signature' | 'other_signature' | 'token' | 'other_token', string>;
const seal: SealToStamp = { tenant_id: 't', run_id: 'r', ledger_index: 3, signature: vectors.signature };
const answering =
  (token: string, asked: Uint8Array[] = []): TimestampAuthority =>
  async (imprint) => {
    asked.push(imprint);
    return { ok: true, token: new Uint8Array(Buffer.from(token, 'base64')) };
  };

describe('timestampSeal: a time stamp over a seal, asked after the seal landed', () => {
  it('asks the TSA over SHA-256 of the signature bytes, keeps the token, and returns its genTime', async () => {
    const timestamps = inMemorySealTimestamps();
    const asked: Uint8Array[] = [];
    const result = await timestampSeal({ timestamps, tsa: answering(vectors.token, asked) }, seal);
    expect(E.isRight(result) && result.right.gen_time).toMatch(/Z$/);
    expect(Buffer.from(asked[0] ?? []).length).toBe(32);
    expect(timestamps.rows.get('t\u00003')).toMatchObject({ run_id: 'r', token: vectors.token });
    const again = await timestampSeal({ timestamps, tsa: answering(vectors.other_token, asked) }, seal);
    expect(E.isRight(again)).toBe(true);
    expect(asked).toHaveLength(1);
  });

  it('keeps nothing when the TSA answers a token over other bytes, or does not answer', async () => {
    const timestamps = inMemorySealTimestamps();
    const wrong = await timestampSeal({ timestamps, tsa: answering(vectors.other_token) }, seal);
    expect(E.isLeft(wrong) && wrong.left.kind).toBe('tsa_token_rejected');
    const down: TimestampAuthority = async () => ({
      ok: false,
      error: { kind: 'tsa_unreachable', message: 'ECONNREFUSED' },
    });
    const unreachable = await timestampSeal({ timestamps, tsa: down }, seal);
    expect(E.isLeft(unreachable) && unreachable.left.kind).toBe('tsa_unreachable');
    expect(timestamps.rows.size).toBe(0);
  });

  it('reports a kept token that does not stamp the seal, and does not replace it', async () => {
    const timestamps = inMemorySealTimestamps();
    await timestamps.save({ ...seal, token: vectors.other_token, gen_time: 'x' })();
    const result = await timestampSeal({ timestamps, tsa: answering(vectors.token) }, seal);
    expect(E.isLeft(result) && result.left.kind).toBe('tsa_token_rejected');
    expect(timestamps.rows.get('t\u00003')?.token).toBe(vectors.other_token);
  });
});
