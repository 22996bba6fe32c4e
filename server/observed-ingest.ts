import type { IngestDeps } from '../application/ingest/ingest-spans.js';
import type { SealTraceDeps } from '../application/ingest/seal-observed-trace.js';
import type { IngestTokens } from '../application/ports/ingest-tokens.js';
import type { CosignError, CosignResult } from '../application/ledger/cosign-ledger-head.js';
import type { TimestampSweep, TimestampSweepError } from '../application/ledger/timestamp-missing-seals.js';
import type * as E from 'fp-ts/lib/Either.js';

/** What the OTLP ingest works with once the database is open: the tokens, the staging, and what
 * seals observed runs (the store, the clock, the signing key). */
export type ObservedIngest = IngestDeps &
  SealTraceDeps & {
    readonly services: { readonly ingestTokens: IngestTokens };
    /** Sends a tenant ledger's new head to the configured witnesses (none configured: absent). */
    readonly cosignHead?: (tenantId: string) => Promise<E.Either<CosignError, CosignResult>>;
    /** Asks the TSA (AOS_TSA_URL) for a time stamp of each of the tenant's seals without one. */
    readonly stampSeals?: (tenantId: string) => Promise<E.Either<TimestampSweepError, TimestampSweep>>;
  };

/** The bounds of POST /v1/traces (docs/OBSERVED-RUNS.md, "Limits"). */
export type IngestLimits = {
  /** The body as sent (compressed or not): past it, 413. */
  readonly maxRequestBytes: number;
  /** The body once decompressed: past it, 413. */
  readonly maxDecodedBytes: number;
  /** Requests being decoded and staged at once: past it, 429 with Retry-After. */
  readonly maxConcurrentRequests: number;
};

/** Decoding costs memory and time in proportion to the body, at worst (a body of empty spans) some
 * 250 bytes of heap per byte: the bounds keep a burst of the largest requests within a few GB. An
 * OTLP exporter's batch (512 spans by default) is well under them. */
export const DEFAULT_INGEST_LIMITS: IngestLimits = {
  maxRequestBytes: 4 * 1024 * 1024,
  maxDecodedBytes: 8 * 1024 * 1024,
  maxConcurrentRequests: 16,
};
