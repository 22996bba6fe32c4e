import * as E from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import type { EventStore, EventStoreError, StoredEvent } from '../domain/ports/event-store.js';
import { compareProjections, notFoundIntegrity, verifyEventChain, type RunIntegrity } from '../domain/proof/run-verification.js';
import { checkSeal, type SealReport } from '../domain/ledger/seal-verification.js';
import { ledgerStreamId, type RunCheckpoint } from '../domain/ledger/run-checkpoint.js';
import { decodeLedger, indexLedger, type LedgerDecodeError, type TenantLedgerIndex } from '../domain/ledger/tenant-ledger.js';
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
  readonly seal: SealReport;
  /** The seal found in the tenant ledger (checked or not), for disclosure to third parties. */
  readonly sealed: { readonly checkpoint: RunCheckpoint; readonly signature: string; readonly ledger_index: number } | null;
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

const noSeal: SealReport = { status: 'not_completed', key_id: null, ledger_index: null, sealed_at: null };

const failedWith = (integrity: RunIntegrity, failure: { reason: string; divergence: RunIntegrity['divergence'] }): RunIntegrity => ({
  ...integrity, verification_status: 'FAILED', failure_reason: failure.reason, divergence: failure.divergence,
});

/** Verification by replay (RUNPROOF.md steps 1–5): the run's events read by tenant, the chain
 * rebuilt from the stored bytes, the seal checked against that chain, and the projections
 * compared with what replay derives. The seal is checked before the projections: when history was
 * rewritten after sealing, the seal names the cause, and any projection mismatch follows from it.
 * `knownKeys` maps key_id to raw Ed25519 public keys. */
export const proveRun = async (
  pool: pg.Pool,
  store: EventStore,
  tenantId: string,
  runId: string,
  knownKeys: ReadonlyMap<string, Uint8Array>,
  /** The tenant's ledger already read (a sweep reads it once per tenant); read here when absent. */
  preloadedLedger?: E.Either<LedgerDecodeError, TenantLedgerIndex>,
): Promise<E.Either<EventStoreError, RunProof>> => {
  const read = await store.readStream(tenantId, runStreamId(runId))();
  if (read._tag === 'Left') return read;
  const events = read.right;
  const base = { run_id: runId, tenant_id: tenantId, events };
  const readLedger = async (): Promise<E.Either<EventStoreError, E.Either<LedgerDecodeError, TenantLedgerIndex>>> => {
    if (preloadedLedger !== undefined) return E.right(preloadedLedger);
    const ledgerEvents = await store.readStream(tenantId, ledgerStreamId(tenantId))();
    return ledgerEvents._tag === 'Left' ? ledgerEvents : E.right(E.map(indexLedger)(decodeLedger(ledgerEvents.right)));
  };
  if (events.length === 0) {
    // No events: a run that never existed in this tenant, unless the tenant's ledger sealed it.
    const ledger = await readLedger();
    if (ledger._tag === 'Left') return ledger;
    const seal = ledger.right._tag === 'Right' ? ledger.right.right.get(runId) : undefined;
    if (seal === undefined) return E.right({ ...base, found: false, integrity: notFoundIntegrity, seal: noSeal, sealed: null, aos_traces: [], aos_trace_steps: [] });
    return E.right({
      ...base, found: false, aos_traces: [], aos_trace_steps: [],
      seal: { status: 'sealed', key_id: seal.checkpoint.key_id, ledger_index: seal.index, sealed_at: seal.checkpoint.sealed_at },
      sealed: { checkpoint: seal.checkpoint, signature: seal.signature, ledger_index: seal.index },
      integrity: failedWith({ ...notFoundIntegrity, failure_reason: null }, {
        reason: `the tenant ledger holds a seal for this run (index ${seal.index}) but the event store has none of its events`,
        divergence: { source: 'checkpoint', seq: null, field: 'chain_length', expected: seal.checkpoint.chain_length, actual: 0 },
      }),
    });
  }

  const projected = await readProjectedRunRows(pool, runId);
  const result = { ...base, found: true, sealed: null, aos_traces: projected.traces, aos_trace_steps: projected.steps };
  const { integrity } = verifyEventChain(tenantId, runId, runStreamId(runId), events);
  if (integrity.verification_status !== 'VERIFIED') return E.right({ ...result, seal: noSeal, integrity });

  const readLedgerResult = await readLedger();
  if (readLedgerResult._tag === 'Left') return readLedgerResult;
  const ledger = readLedgerResult.right;
  if (ledger._tag === 'Left') {
    return E.right({
      ...result, seal: noSeal,
      integrity: failedWith(integrity, {
        reason: `the tenant ledger is damaged at index ${ledger.left.seq}: ${ledger.left.message}`,
        divergence: { source: 'checkpoint', seq: null, field: `ledger[${ledger.left.seq}]`, expected: 'a valid seal', actual: ledger.left.message },
      }),
    });
  }
  const found = ledger.right.get(runId);
  const sealCheck = checkSeal(tenantId, runId, {
    chain_length: integrity.chain_length, root_hash: integrity.root_hash ?? '', merkle_root: integrity.merkle_root ?? '',
    completed: events[events.length - 1]?.type === 'RunCompleted',
  }, found ? { checkpoint: found.checkpoint, signature: found.signature, ledger_index: found.index } : null, knownKeys);
  const sealed = { ...result, seal: sealCheck.seal, sealed: found ? { checkpoint: found.checkpoint, signature: found.signature, ledger_index: found.index } : null };
  if (sealCheck.failure) return E.right({ ...sealed, integrity: failedWith(integrity, sealCheck.failure) });

  const decoded = decodeAll(events);
  if (decoded._tag === 'Left') {
    return E.right({
      ...sealed,
      integrity: failedWith(integrity, {
        reason: `event does not decode: ${decoded.left.message}`,
        divergence: { source: 'event_store', seq: decoded.left.seq, field: 'data', expected: 'a valid event', actual: decoded.left.message },
      }),
    });
  }
  const tables = deriveTables(decoded.right);
  const mismatch = compareProjections({
    expectedTraces: rowsOf(tables, 'aos_traces').map((row) => comparableRow(aosTracesTable, row)),
    actualTraces: projected.traces,
    expectedSteps: rowsOf(tables, 'aos_trace_steps').map((row) => comparableRow(aosTraceStepsTable, row)),
    actualSteps: projected.steps,
  });
  if (mismatch === null) return E.right({ ...sealed, integrity });
  return E.right({ ...sealed, integrity: failedWith(integrity, mismatch) });
};
