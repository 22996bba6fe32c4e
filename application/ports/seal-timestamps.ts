import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { EventStoreError } from '../../domain/ports/event-store.js';

/** A seal's RFC 3161 time stamp token as kept: the seal's place in its tenant's ledger, its run,
 * the base64 of the DER TimeStampToken and the time it states. */
export type StoredSealTimestamp = {
  readonly tenant_id: string;
  readonly ledger_index: number;
  readonly run_id: string;
  readonly token: string;
  readonly gen_time: string;
};

export type SealTimestampsError = Extract<EventStoreError, { kind: 'store_unavailable' | 'store_failed' }>;

/** Where the tokens are kept (aos_seal_timestamps). */
export interface SealTimestamps {
  /** Keeps the token unless the seal already has one. */
  save(entry: StoredSealTimestamp): TE.TaskEither<SealTimestampsError, void>;
  /** The token of the seal at that place of the tenant's ledger; null when it has none. */
  find(tenantId: string, ledgerIndex: number): TE.TaskEither<SealTimestampsError, StoredSealTimestamp | null>;
  /** The ledger places of the tenant's seals that have a token. */
  stamped(tenantId: string): TE.TaskEither<SealTimestampsError, ReadonlySet<number>>;
  /** The seals (of one tenant, or all) that the seal index knows and that have no token. */
  unstamped(tenantId: string | null): TE.TaskEither<SealTimestampsError, readonly UnstampedSealRef[]>;
}

/** A seal without a time stamp: its tenant, run and place in the tenant's ledger. */
export type UnstampedSealRef = {
  readonly tenant_id: string;
  readonly run_id: string;
  readonly ledger_index: number;
};
