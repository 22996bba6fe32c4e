import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { EventStoreError } from '../../domain/ports/event-store.js';
import type { ReceivedSpan } from '../../domain/observed/received-span.js';
import type { StagedSpan } from '../../domain/observed/trace-runs.js';

/** The database could not be reached, or refused. */
export type SpanStagingError = Extract<EventStoreError, { kind: 'store_unavailable' | 'store_failed' }>;

/** A trace with spans the sealer has not looked at since they arrived. */
export type TraceToSeal = {
  readonly tenant_id: string;
  readonly trace_id: string;
  readonly last_received_at: string;
  /** How many batches brought it new spans: marked back with `markChecked`. */
  readonly arrivals: number;
};

/**
 * Where received spans wait until their run is sealed (aos_ingest_spans, migration 0008): the same
 * span staged twice is one span, and what is staged survives a crash of the server.
 */
export interface SpanStaging {
  /** Stages the spans of one tenant, all or none; how many of them were new. */
  stage(
    tenantId: string,
    spans: readonly ReceivedSpan[],
    receivedAt: string,
  ): TE.TaskEither<SpanStagingError, { readonly added: number }>;
  /** Traces with spans not looked at since they arrived, the last of them before `quietBefore`
   * (null: however recent), oldest first, at most `limit`. */
  tracesToSeal(
    quietBefore: string | null,
    limit: number,
  ): TE.TaskEither<SpanStagingError, readonly TraceToSeal[]>;
  /** Every staged span of a trace, whatever became of it. */
  traceSpans(tenantId: string, traceId: string): TE.TaskEither<SpanStagingError, readonly StagedSpan[]>;
  /** Marks spans of a trace as recorded in a run: sealed in it, or late for it. */
  markRecorded(
    tenantId: string,
    traceId: string,
    runId: string,
    state: 'sealed' | 'late',
    spanIds: readonly string[],
  ): TE.TaskEither<SpanStagingError, void>;
  /** The trace was looked at with the spans of its first `arrivals` batches. */
  markChecked(tenantId: string, traceId: string, arrivals: number): TE.TaskEither<SpanStagingError, void>;
}
