import * as E from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import type { EventStore, EventStoreError, StoredEvent } from '../domain/ports/event-store.js';
import { compareProjections, notFoundIntegrity, verifyEventChain, type RunIntegrity } from '../domain/proof/run-verification.js';
import { runStreamId } from '../domain/run/identifiers.js';
import { comparableRow, type ComparableRow } from './comparable-row.js';
import { deriveTables, rowsOf } from './in-memory-tables.js';
import { decodeForProjection, type ProjectedEvent } from './projected-event.js';
import { aosTracesTable, aosTraceStepsTable } from './projection-tables.js';
import { readProjectedRunRows } from './projected-rows-reader.js';

export type RunProof = {
  readonly run_id: string;
  readonly tenant_id: string;
  readonly found: boolean;
  readonly integrity: RunIntegrity;
  readonly events: readonly StoredEvent[];
  readonly aos_traces: readonly ComparableRow[];
  readonly aos_trace_steps: readonly ComparableRow[];
};

const decodeAll = (events: readonly StoredEvent[]): E.Either<{ seq: number; message: string }, ProjectedEvent[]> => {
  const decoded: ProjectedEvent[] = [];
  for (const stored of events) {
    const projected = decodeForProjection(stored);
    if (projected._tag === 'Left') return E.left({ seq: stored.seq, message: projected.left.message });
    if (projected.right) decoded.push(projected.right);
  }
  return E.right(decoded);
};

/** Verification by replay (RUNPROOF.md steps 1–4): the run's events read by tenant, the chain
 * rebuilt from the stored bytes, and the projections compared with what replay derives. */
export const proveRun = async (
  pool: pg.Pool,
  store: EventStore,
  tenantId: string,
  runId: string,
): Promise<E.Either<EventStoreError, RunProof>> => {
  const read = await store.readStream(tenantId, runStreamId(runId))();
  if (read._tag === 'Left') return read;
  const events = read.right;
  const base = { run_id: runId, tenant_id: tenantId, events };
  if (events.length === 0) return E.right({ ...base, found: false, integrity: notFoundIntegrity, aos_traces: [], aos_trace_steps: [] });

  const projected = await readProjectedRunRows(pool, runId);
  const result = { ...base, found: true, aos_traces: projected.traces, aos_trace_steps: projected.steps };
  const { integrity } = verifyEventChain(tenantId, runId, runStreamId(runId), events);
  if (integrity.verification_status !== 'VERIFIED') return E.right({ ...result, integrity });

  const decoded = decodeAll(events);
  if (decoded._tag === 'Left') {
    return E.right({
      ...result,
      integrity: {
        ...integrity, verification_status: 'FAILED', failure_reason: `event does not decode: ${decoded.left.message}`,
        divergence: { source: 'event_store', seq: decoded.left.seq, field: 'data', expected: 'a valid event', actual: decoded.left.message },
      },
    });
  }
  const tables = deriveTables(decoded.right);
  const mismatch = compareProjections({
    expectedTraces: rowsOf(tables, 'aos_traces').map((row) => comparableRow(aosTracesTable, row)),
    actualTraces: projected.traces,
    expectedSteps: rowsOf(tables, 'aos_trace_steps').map((row) => comparableRow(aosTraceStepsTable, row)),
    actualSteps: projected.steps,
  });
  if (mismatch === null) return E.right({ ...result, integrity });
  return E.right({ ...result, integrity: { ...integrity, verification_status: 'FAILED', failure_reason: mismatch.reason, divergence: mismatch.divergence } });
};
