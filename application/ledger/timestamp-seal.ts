import * as E from 'fp-ts/lib/Either.js';
import { decodeBase64 } from '../../domain/json/canonical-base64.js';
import { sha256 } from '../../domain/proof/sha256.js';
import { openTimestampToken, type TimestampFacts } from '../../domain/timestamp/timestamp-check.js';
import type { SealTimestamps, SealTimestampsError } from '../ports/seal-timestamps.js';
import type { TimestampAuthority, TsaError } from '../ports/timestamp-authority.js';

/** A seal to time-stamp: its place in its tenant's ledger, its run, its base64 signature. */
export type SealToStamp = {
  readonly tenant_id: string;
  readonly run_id: string;
  readonly ledger_index: number;
  readonly signature: string;
};

export type TimestampSealDeps = { readonly timestamps: SealTimestamps; readonly tsa: TimestampAuthority };

export type TimestampSealError =
  | TsaError
  | { readonly kind: 'tsa_token_rejected'; readonly message: string }
  | { readonly kind: 'timestamps'; readonly error: SealTimestampsError };

/** The seal's RFC 3161 time stamp: the one kept, or one asked of the TSA now over SHA-256 of the
 * seal's signature bytes, checked to parse and to be over those bytes, then kept. Asked after the
 * seal landed, never inside its transaction: a TSA that fails leaves the seal as it is. */
export const timestampSeal = async (
  deps: TimestampSealDeps,
  seal: SealToStamp,
): Promise<E.Either<TimestampSealError, TimestampFacts>> => {
  const signature = decodeBase64(seal.signature) ?? new Uint8Array();
  const kept = await deps.timestamps.find(seal.tenant_id, seal.ledger_index)();
  if (E.isLeft(kept)) return E.left({ kind: 'timestamps', error: kept.left });
  if (kept.right !== null) {
    const opened = openTimestampToken(decodeBase64(kept.right.token) ?? new Uint8Array(), signature);
    // A kept token is never replaced: one that does not stamp this seal is reported, not hidden.
    return E.isRight(opened)
      ? E.right(opened.right.facts)
      : E.left({ kind: 'tsa_token_rejected', message: `the kept token: ${opened.left.reason}` });
  }
  const answer = await deps.tsa(sha256(signature));
  if (!answer.ok) return E.left(answer.error);
  const opened = openTimestampToken(answer.token, signature);
  if (E.isLeft(opened)) return E.left({ kind: 'tsa_token_rejected', message: opened.left.reason });
  const saved = await deps.timestamps.save({
    tenant_id: seal.tenant_id,
    ledger_index: seal.ledger_index,
    run_id: seal.run_id,
    token: Buffer.from(answer.token).toString('base64'),
    gen_time: opened.right.facts.gen_time,
  })();
  return E.isLeft(saved) ? E.left({ kind: 'timestamps', error: saved.left }) : E.right(opened.right.facts);
};
