import * as E from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import type { ProofReads, ReadModel } from '../../../application/ports/read-model.js';
import type { EventStore } from '../../../domain/ports/event-store.js';
import { runStreamId } from '../../../domain/stream-names.js';
import { isDatabaseFailure, storeErrorOf } from '../pg-error.js';
import { countProjectedSteps, readProjectedTraces, storedStepRowBatches } from './projected-rows-reader.js';
import { projectorApplier } from './batch-applier.js';
import { catchUpProjections, waitForProjections } from './catch-up-pass.js';
import { readCheckpoint } from './projection-checkpoint.js';
import { postgresRunQueries } from './postgres-run-queries.js';
import { rebuildProjections } from './rebuild.js';

// A proof streams on two connections at once (the events and the step rows, merged as they come),
// so its pool must allow two, and proofs on one pool take turns: started together, each could hold
// one connection while waiting for its second, and a pool of N connections would stall at N
// proofs. (A caller that holds a connection of the pool while proving needs one more.)
const PROOF_CONNECTIONS = 2;
const turns = new WeakMap<pg.Pool, Promise<unknown>>();
const poolSize = (pool: pg.Pool): number => (pool as { options?: { max?: number } }).options?.max ?? 10;

const inTurn = async <T>(pool: pg.Pool, work: () => Promise<T>) => {
  if (poolSize(pool) < PROOF_CONNECTIONS) {
    return E.left({
      kind: 'store_failed' as const,
      message: `a proof reads on ${PROOF_CONNECTIONS} connections at once; this pool allows ${poolSize(pool)}`,
    });
  }
  const result = (turns.get(pool) ?? Promise.resolve()).then(work, work);
  turns.set(
    pool,
    result.then(
      () => undefined,
      () => undefined,
    ),
  );
  return E.right(await result);
};

const SEAL_INDEX = 'SELECT ledger_index FROM aos_run_seals WHERE run_id = $1 AND tenant_id = $2';

// Whether the run's stream in the Postgres event store holds an event of another tenant from `seq`
// on (never with EventStoreDB, whose events are not in this table).
const FOREIGN_EVENT_AFTER =
  'SELECT 1 FROM aos_events WHERE stream_id = $1 AND seq >= $2 AND tenant_id <> $3 LIMIT 1';

const postgresProofReads = (pool: pg.Pool): ProofReads => ({
  inTurn: (work) => inTurn(pool, work),
  traceRows: (runId) => readProjectedTraces(pool, runId),
  stepCount: (runId) => countProjectedSteps(pool, runId),
  stepRowFields: (runId) => storedStepRowBatches(pool, runId),
  sealIndex: async (tenantId, runId) =>
    (await pool.query<{ ledger_index: number }>(SEAL_INDEX, [runId, tenantId])).rows[0]?.ledger_index,
  foreignEventAfter: async (tenantId, runId, seq) =>
    ((await pool.query(FOREIGN_EVENT_AFTER, [runStreamId(runId), seq, tenantId])).rowCount ?? 0) > 0,
  // A connection lost or a query refused is the store's error; any other error is a defect.
  failureOf: (error) => (isDatabaseFailure(error) ? storeErrorOf(error) : null),
});

/** The pools of the read model's parts, by role (docs/DATABASE-ROLES.md): the projector keeps the
 * tables, the proof reads them as an auditor (every row of a run, whatever tenant it claims), and
 * the queries read them as a reader, in the tenant they name. (A pool connects only when used.) */
export type ReadModelPools = {
  readonly projector: pg.Pool;
  readonly auditor: pg.Pool;
  readonly reader: pg.Pool;
};

/** The read model in Postgres (aos_traces, aos_trace_steps, runs, agents, the seal index), kept
 * by the projector from `store`'s events (a store on a pool that reads every tenant). One pool
 * serves every part, or `pools` one per role. */
export const postgresReadModel = (pools: pg.Pool | ReadModelPools, store: EventStore): ReadModel => {
  const of = (role: keyof ReadModelPools): pg.Pool => ('query' in pools ? pools : pools[role]);
  return {
    projections: {
      checkpoint: () => readCheckpoint(of('projector')),
      applyBatch: (batch) => projectorApplier(of('projector'), store)(batch),
      catchUp: () => catchUpProjections(of('projector'), store),
      waitFor: (target, options) => waitForProjections(of('projector'), store, target, options),
      rebuild: (options) => rebuildProjections(of('projector'), store, options),
    },
    proofReads: postgresProofReads(of('auditor')),
    queries: postgresRunQueries(of('reader'), of('auditor')),
  };
};
