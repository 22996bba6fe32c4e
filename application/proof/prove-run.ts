import * as E from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import { isDatabaseFailure, storeErrorOf } from '../../adapters/postgres/pg-error.js';
import type { EventStore, EventStoreError, StoredEvent } from '../../domain/ports/event-store.js';
import { createChainVerifier } from '../../domain/proof/chain-verifier.js';
import { notFoundIntegrity, type RunIntegrity } from '../../domain/proof/run-verification.js';
import { checkSeal, type SealReport } from '../../domain/ledger/seal-verification.js';
import { ledgerStreamId, type RunCheckpoint } from '../../domain/ledger/run-checkpoint.js';
import {
  decodeLedger,
  indexLedger,
  sealOfRunIn,
  type LedgerDecodeError,
  type LedgerEntry,
  type TenantLedgerIndex,
} from '../../domain/ledger/tenant-ledger.js';
import { runStreamId } from '../../domain/run/identifiers.js';
import { comparableRow, type ComparableRow } from '../../projections/comparable-row.js';
import { applyToRow } from '../../projections/in-memory-tables.js';
import { decodeForProjection } from '../../projections/projected-event.js';
import { aosTracesTable } from '../../projections/projection-tables.js';
import {
  countProjectedSteps,
  readProjectedTraces,
  storedStepRowBatches,
} from '../../adapters/postgres/read-model/projected-rows-reader.js';
import type { Row } from '../../projections/row-change.js';
import { rowChangesOf } from '../../projections/run-projection.js';
import { compareTraceRows, createStepRowsComparison } from './step-rows-comparison.js';

export type RunProof = {
  readonly run_id: string;
  readonly tenant_id: string;
  readonly found: boolean;
  readonly integrity: RunIntegrity;
  readonly seal: SealReport;
  /** The seal found in the tenant ledger (checked or not), for disclosure to third parties. */
  readonly sealed: {
    readonly checkpoint: RunCheckpoint;
    readonly signature: string;
    readonly ledger_index: number;
  } | null;
  readonly aos_traces: readonly ComparableRow[];
  /** How many aos_trace_steps rows carry this run id (the rows themselves are streamed by whoever prints them). */
  readonly step_count: number;
};

/** The run's events one at a time (the store reads them a page at a time as they are consumed). */
export async function* runEvents(
  store: EventStore,
  tenantId: string,
  runId: string,
): AsyncGenerator<StoredEvent, EventStoreError | null> {
  const pages = store.readStreamPages(tenantId, runStreamId(runId));
  try {
    for (;;) {
      const next = await pages.next();
      if (next.done) return next.value;
      yield* next.value;
    }
  } finally {
    await pages.return(null);
  }
}

/** A run still open whose first divergence is in the projections: another process may have appended
 * after its rows were read. */
const mayBeProjectionLag = (proof: RunProof): boolean =>
  proof.seal.status === 'not_completed' && proof.integrity.divergence?.source === 'projection';

const LIVE_RUN_ATTEMPTS = 3;

/** Proves with `prove`; while the proof may only show projection lag (above), catches up and
 * proves again, up to three proofs in all. A tampered row stays tampered and fails every attempt;
 * a completed run is proved once. */
export const proveAllowingLag = async <L>(
  prove: () => Promise<E.Either<L, RunProof>>,
  catchUp: () => Promise<void>,
): Promise<E.Either<L, RunProof>> => {
  let proof = await prove();
  for (
    let attempt = 1;
    attempt < LIVE_RUN_ATTEMPTS && proof._tag === 'Right' && mayBeProjectionLag(proof.right);
    attempt++
  ) {
    await catchUp();
    proof = await prove();
  }
  return proof;
};

const noSeal: SealReport = { status: 'not_completed', key_id: null, ledger_index: null, sealed_at: null };

const failedWith = (integrity: RunIntegrity, failure: Failure): RunIntegrity => ({
  ...integrity,
  verification_status: 'FAILED',
  failure_reason: failure.reason,
  divergence: failure.divergence,
});

type Failure = { readonly reason: string; readonly divergence: RunIntegrity['divergence'] };

// A proof streams on two connections at once (the events and the step rows, merged as they come),
// so its pool must allow two, and proofs on one pool take turns: started together, each could hold
// one connection while waiting for its second, and a pool of N connections would stall at N
// proofs. (A caller that holds a connection of the pool while proving needs one more.)
const turns = new WeakMap<pg.Pool, Promise<unknown>>();
const inTurn = <T>(pool: pg.Pool, work: () => Promise<T>): Promise<T> => {
  const result = (turns.get(pool) ?? Promise.resolve()).then(work, work);
  turns.set(
    pool,
    result.then(
      () => undefined,
      () => undefined,
    ),
  );
  return result;
};

/** A read of the pool's own (the step rows, the trace row, the seal index): a connection lost or a
 * query refused is the store's error, returned like the event store's own, not thrown. Any other
 * error is a defect and is thrown. */
const storeRead = async <T>(read: () => Promise<T>): Promise<E.Either<EventStoreError, T>> => {
  try {
    return E.right(await read());
  } catch (error) {
    if (!isDatabaseFailure(error)) throw error;
    return E.left(storeErrorOf(error));
  }
};

/** The replay and the reads of the stored trace row and step count, at once. When one fails, the
 * replay stops at its next page and the first failure is thrown once every read has ended, so
 * none is left holding a connection of the pool. */
const readRun = async (pool: pg.Pool, store: EventStore, tenantId: string, runId: string) => {
  let failed = false;
  const noting = <T>(read: Promise<T>): Promise<T> =>
    read.catch((error: unknown) => {
      failed = true;
      throw error;
    });
  const [replayed, traces, stepCount] = await Promise.allSettled([
    noting(replay(pool, store, tenantId, runId, () => failed)),
    noting(readProjectedTraces(pool, runId)),
    noting(countProjectedSteps(pool, runId)),
  ]);
  return [valueOf(replayed), valueOf(traces), valueOf(stepCount)] as const;
};

const valueOf = <T>(read: PromiseSettledResult<T>): T => {
  if (read.status === 'rejected') throw read.reason;
  return read.value;
};

const PROOF_CONNECTIONS = 2;
const poolSize = (pool: pg.Pool): number => (pool as { options?: { max?: number } }).options?.max ?? 10;

/** What one pass over the events finds: the chain's verdict, the first event that does not
 * decode, and the projections compared row by row as replay derives them. */
const replay = async (
  pool: pg.Pool,
  store: EventStore,
  tenantId: string,
  runId: string,
  abandoned: () => boolean,
) => {
  const chain = createChainVerifier(tenantId, runId, runStreamId(runId));
  const stepRows = storedStepRowBatches(pool, runId);
  const steps = createStepRowsComparison(stepRows);
  let trace: Record<string, Row[string]> | null = null;
  let undecodable: Failure | null = null;
  let lastType: string | null = null;
  const pages = store.readStreamPages(tenantId, runStreamId(runId));
  try {
    for (let next = await pages.next(); ; next = await pages.next()) {
      if (abandoned())
        return E.left<EventStoreError>({
          kind: 'store_failed',
          message: 'replay abandoned: another read of the proof failed',
        });
      if (next.done) {
        if (next.value === null) break;
        return E.left(next.value);
      }
      for (const stored of next.value) {
        lastType = stored.type;
        if (!chain.push(stored) || undecodable) continue;
        const decoded = decodeForProjection(stored);
        if (decoded._tag === 'Left') {
          undecodable = {
            reason: `event does not decode: ${decoded.left.message}`,
            divergence: {
              source: 'event_store',
              seq: stored.seq,
              field: 'data',
              expected: 'a valid event',
              actual: decoded.left.message,
            },
          };
          continue;
        }
        if (decoded.right === null) continue;
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
    });
  } finally {
    await Promise.all([pages.return(null), stepRows.return()]);
  }
};

const SEAL_INDEX = 'SELECT ledger_index FROM aos_run_seals WHERE run_id = $1 AND tenant_id = $2';

// Whether the run's stream in the Postgres event store holds an event of another tenant from `seq`
// on (never with EventStoreDB, whose events are not in this table). Asked only of a run found in
// the tenant; events of the tenant itself appended since the replay are not counted.
const FOREIGN_EVENT_AFTER =
  'SELECT 1 FROM aos_events WHERE stream_id = $1 AND seq >= $2 AND tenant_id <> $3 LIMIT 1';
const foreignEventAfter = async (
  pool: pg.Pool,
  runId: string,
  tenantId: string,
  seq: number,
): Promise<boolean> =>
  ((await pool.query(FOREIGN_EVENT_AFTER, [runStreamId(runId), seq, tenantId])).rowCount ?? 0) > 0;

/** The run's first seal: from the seal index (aos_run_seals), checked against the one ledger event
 * it points at; else (no row, a row pointing elsewhere, or a preloaded ledger) from the whole
 * ledger, which also reports a damaged ledger. */
const findSeal = async (
  pool: pg.Pool,
  store: EventStore,
  tenantId: string,
  runId: string,
  wholeLedger: () => Promise<E.Either<EventStoreError, E.Either<LedgerDecodeError, TenantLedgerIndex>>>,
  preloaded: boolean,
): Promise<E.Either<EventStoreError, E.Either<LedgerDecodeError, LedgerEntry | undefined>>> => {
  if (!preloaded) {
    const indexRead = await storeRead(
      async () =>
        (await pool.query<{ ledger_index: number }>(SEAL_INDEX, [runId, tenantId])).rows[0]?.ledger_index,
    );
    if (indexRead._tag === 'Left') return indexRead;
    const index = indexRead.right;
    if (index !== undefined) {
      const read = await store.readStreamFrom(tenantId, ledgerStreamId(tenantId), index, 1)();
      if (read._tag === 'Left') return read;
      const seal = read.right[0]?.seq === index ? sealOfRunIn(read.right[0], runId) : undefined;
      if (seal) return E.right(E.right(seal));
    }
  }
  const ledger = await wholeLedger();
  return ledger._tag === 'Left'
    ? ledger
    : E.right(E.map((byRun: TenantLedgerIndex) => byRun.get(runId))(ledger.right));
};

/** Verification by replay (RUNPROOF.md steps 1–5), streaming: the run's events read by tenant a page
 * at a time, the chain rebuilt from the stored bytes, the seal checked against that chain, and the
 * projections compared with what replay derives, row by row. Memory stays bounded whatever the run
 * length. The seal is checked before the projections: when history was rewritten after sealing,
 * the seal names the cause, and any projection mismatch follows from it. `knownKeys` maps key_id to
 * raw Ed25519 public keys. */
export const proveRun = async (
  pool: pg.Pool,
  store: EventStore,
  tenantId: string,
  runId: string,
  knownKeys: ReadonlyMap<string, Uint8Array>,
  /** The tenant's ledger already read (a sweep reads it once per tenant); read here when absent. */
  preloadedLedger?: E.Either<LedgerDecodeError, TenantLedgerIndex>,
): Promise<E.Either<EventStoreError, RunProof>> => {
  const readLedger = async (): Promise<
    E.Either<EventStoreError, E.Either<LedgerDecodeError, TenantLedgerIndex>>
  > => {
    if (preloadedLedger !== undefined) return E.right(preloadedLedger);
    const ledgerEvents = await store.readStream(tenantId, ledgerStreamId(tenantId))();
    return ledgerEvents._tag === 'Left'
      ? ledgerEvents
      : E.right(E.map(indexLedger)(decodeLedger(ledgerEvents.right)));
  };
  if (poolSize(pool) < PROOF_CONNECTIONS) {
    return E.left({
      kind: 'store_failed',
      message: `a proof reads on ${PROOF_CONNECTIONS} connections at once; this pool allows ${poolSize(pool)}`,
    });
  }
  const read = await storeRead(() => inTurn(pool, () => readRun(pool, store, tenantId, runId)));
  if (read._tag === 'Left') return read;
  const [replayed, traces, stepCount] = read.right;
  if (replayed._tag === 'Left') return replayed;
  const { undecodable, stepFailure, trace, completed } = replayed.right;
  // Events are read by tenant: one of another tenant after the run's last event would not be seen
  // (one in the middle is a gap in seq).
  const chain = replayed.right.integrity;
  const foreign =
    chain.verification_status === 'VERIFIED' && chain.chain_length > 0
      ? await storeRead(() => foreignEventAfter(pool, runId, tenantId, chain.chain_length))
      : E.right(false);
  if (foreign._tag === 'Left') return foreign;
  const integrity = foreign.right
    ? failedWith(chain, {
        reason: "the run's stream holds events of another tenant after its last event",
        divergence: {
          source: 'event_store',
          seq: chain.chain_length,
          field: 'tenant_id',
          expected: tenantId,
          actual: 'another tenant',
        },
      })
    : chain;
  const base = { run_id: runId, tenant_id: tenantId, aos_traces: traces, step_count: stepCount };

  if (integrity.chain_length === 0) {
    // No events: a run that never existed in this tenant, unless the tenant's ledger sealed it.
    const ledger = await readLedger();
    if (ledger._tag === 'Left') return ledger;
    const seal = ledger.right._tag === 'Right' ? ledger.right.right.get(runId) : undefined;
    if (seal === undefined)
      return E.right({
        ...base,
        aos_traces: [],
        step_count: 0,
        found: false,
        integrity: notFoundIntegrity,
        seal: noSeal,
        sealed: null,
      });
    return E.right({
      ...base,
      found: false,
      seal: {
        status: 'sealed',
        key_id: seal.checkpoint.key_id,
        ledger_index: seal.index,
        sealed_at: seal.checkpoint.sealed_at,
      },
      sealed: { checkpoint: seal.checkpoint, signature: seal.signature, ledger_index: seal.index },
      integrity: failedWith(
        { ...notFoundIntegrity, failure_reason: null },
        {
          reason: `the tenant ledger holds a seal for this run (index ${seal.index}) but the event store has none of its events`,
          divergence: {
            source: 'checkpoint',
            seq: null,
            field: 'chain_length',
            expected: seal.checkpoint.chain_length,
            actual: 0,
          },
        },
      ),
    });
  }
  const result = { ...base, found: true, sealed: null };
  const sealLookup = await findSeal(pool, store, tenantId, runId, readLedger, preloadedLedger !== undefined);
  if (sealLookup._tag === 'Left') return sealLookup;
  const ledger = sealLookup.right;
  if (integrity.verification_status !== 'VERIFIED') {
    // The chain's divergence is the verdict; a seal of the run is still named (what was sealed is
    // what an auditor compares the altered history with, and resume must not run it again).
    const seal = ledger._tag === 'Right' ? ledger.right : undefined;
    return E.right(
      seal === undefined
        ? { ...result, seal: noSeal, integrity }
        : {
            ...result,
            integrity,
            seal: {
              status: 'sealed',
              key_id: seal.checkpoint.key_id,
              ledger_index: seal.index,
              sealed_at: seal.checkpoint.sealed_at,
            },
            sealed: { checkpoint: seal.checkpoint, signature: seal.signature, ledger_index: seal.index },
          },
    );
  }
  if (ledger._tag === 'Left') {
    return E.right({
      ...result,
      seal: noSeal,
      integrity: failedWith(integrity, {
        reason: `the tenant ledger is damaged at index ${ledger.left.seq}: ${ledger.left.message}`,
        divergence: {
          source: 'checkpoint',
          seq: null,
          field: `ledger[${ledger.left.seq}]`,
          expected: 'a valid seal',
          actual: ledger.left.message,
        },
      }),
    });
  }
  const found = ledger.right;
  const sealCheck = checkSeal(
    tenantId,
    runId,
    {
      chain_length: integrity.chain_length,
      root_hash: integrity.root_hash ?? '',
      merkle_root: integrity.merkle_root ?? '',
      completed,
    },
    found ? { checkpoint: found.checkpoint, signature: found.signature, ledger_index: found.index } : null,
    knownKeys,
  );
  const sealed = {
    ...result,
    seal: sealCheck.seal,
    sealed: found
      ? { checkpoint: found.checkpoint, signature: found.signature, ledger_index: found.index }
      : null,
  };
  if (sealCheck.failure) return E.right({ ...sealed, integrity: failedWith(integrity, sealCheck.failure) });
  if (undecodable) return E.right({ ...sealed, integrity: failedWith(integrity, undecodable) });
  const traceCheck = compareTraceRows(trace, traces);
  const mismatch = traceCheck.count ?? stepFailure ?? traceCheck.columns;
  return E.right(
    mismatch ? { ...sealed, integrity: failedWith(integrity, mismatch) } : { ...sealed, integrity },
  );
};
