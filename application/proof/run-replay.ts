import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, EventStoreError, StoredEvent } from '../../domain/ports/event-store.js';
import { createChainVerifier } from '../../domain/proof/chain-verifier.js';
import type { RunIntegrity } from '../../domain/proof/run-verification.js';
import { runStreamId } from '../../domain/stream-names.js';
import { comparableRow, type ComparableRow } from '../../projections/comparable-row.js';
import { applyToRow } from '../../projections/in-memory-tables.js';
import { decodeForProjection } from '../../projections/projected-event.js';
import { aosTracesTable } from '../../projections/projection-tables.js';
import type { Row } from '../../projections/row-change.js';
import { rowChangesOf } from '../../projections/run-projection.js';
import type { ProofReads } from '../ports/read-model.js';
import type { ProofFailure, RunObservation } from './run-proof.js';
import { createStepRowsComparison } from './step-rows-comparison.js';

/** What one pass over the events finds: the chain's verdict, the first event that does not
 * decode, and the projections compared row by row as replay derives them. */
export type Replayed = {
  readonly integrity: RunIntegrity;
  readonly undecodable: ProofFailure | null;
  readonly stepFailure: ProofFailure | null;
  /** The aos_traces row replay derives, comparable. */
  readonly trace: ComparableRow | null;
  readonly completed: boolean;
  /** Where an observed run came from (its RunObserved); null for a planned run. */
  readonly observation: RunObservation | null;
};

/** What the proof reads of a run: the replay, and the stored trace rows and step count. */
export type RunReads = {
  readonly replayed: E.Either<EventStoreError, Replayed>;
  readonly traces: ComparableRow[];
  readonly stepCount: number;
};

const undecodableAt = (stored: StoredEvent, message: string): ProofFailure => ({
  reason: `event does not decode: ${message}`,
  divergence: {
    source: 'event_store',
    seq: stored.seq,
    field: 'data',
    expected: 'a valid event',
    actual: message,
  },
});

const abandonedRead: EventStoreError = {
  kind: 'store_failed',
  message: 'replay abandoned: another read of the proof failed',
};

/** One pass over the run's events, a page at a time, with its step rows compared as they come. */
const replay = async (
  reads: ProofReads,
  store: EventStore,
  tenantId: string,
  runId: string,
  abandoned: () => boolean,
): Promise<E.Either<EventStoreError, Replayed>> => {
  const chain = createChainVerifier(tenantId, runId, runStreamId(runId));
  const stepRows = reads.stepRowFields(runId);
  const steps = createStepRowsComparison(stepRows);
  let trace: Record<string, Row[string]> | null = null;
  let undecodable: ProofFailure | null = null;
  let lastType: string | null = null;
  let observation: RunObservation | null = null;
  const pages = store.readStreamPages(tenantId, runStreamId(runId));
  try {
    for (let next = await pages.next(); ; next = await pages.next()) {
      if (abandoned()) return E.left(abandonedRead);
      if (next.done) {
        if (next.value === null) break;
        return E.left(next.value);
      }
      for (const stored of next.value) {
        lastType = stored.type;
        if (!chain.push(stored) || undecodable) continue;
        const decoded = decodeForProjection(stored);
        if (E.isLeft(decoded)) {
          undecodable = undecodableAt(stored, decoded.left.message);
          continue;
        }
        if (decoded.right === null) continue;
        const event = decoded.right.event;
        if (event.type === 'RunObserved') {
          const { source, trace_id, root_span_id, service_name } = event.data;
          observation = { source, trace_id, root_span_id, service_name };
        }
        for (const change of rowChangesOf(decoded.right)) {
          if (change.table.name === 'aos_traces') trace = applyToRow(trace, change, true);
          else if (change.table.name === 'aos_trace_steps' && change.kind === 'insert') {
            const compared = steps.expect(change.row);
            if (compared) await compared;
          }
        }
      }
    }
    const integrity = chain.integrity();
    const stepFailure =
      integrity.verification_status === 'VERIFIED' && !undecodable ? await steps.finish() : steps.failure();
    return E.right({
      integrity,
      undecodable,
      stepFailure,
      trace: trace ? comparableRow(aosTracesTable, trace) : null,
      completed: lastType === 'RunCompleted',
      observation,
    });
  } finally {
    await Promise.all([pages.return(null), stepRows.return()]);
  }
};

const valueOf = <T>(read: PromiseSettledResult<T>): T => {
  if (read.status === 'rejected') throw read.reason;
  return read.value;
};

/** The stored trace rows, then the replay and the step count at once. When one of those two fails,
 * the replay stops at its next page and the first failure is thrown once both have ended, so
 * neither is left holding what the read model lent it. The trace rows are read first, on the
 * connection the replay then reuses: a proof opens three connections to read rather than four
 * (each one a login, much of a small proof's time on a warm server). */
export const readRun = async (
  reads: ProofReads,
  store: EventStore,
  tenantId: string,
  runId: string,
): Promise<RunReads> => {
  const traces = await reads.traceRows(runId);
  let failed = false;
  const noting = <T>(read: Promise<T>): Promise<T> =>
    read.catch((error: unknown) => {
      failed = true;
      throw error;
    });
  const [replayed, stepCount] = await Promise.allSettled([
    noting(replay(reads, store, tenantId, runId, () => failed)),
    noting(reads.stepCount(runId)),
  ]);
  return { replayed: valueOf(replayed), traces, stepCount: valueOf(stepCount) };
};
