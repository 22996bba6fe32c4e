import { COMMIT_HORIZON_SQL } from './commit-horizon.js';
import type pg from 'pg';
import type { CompletedRun, OrphanedRows, RunCatalog } from '../../application/ports/run-catalog.js';
import {
  LEDGER_STREAM_PREFIX,
  ledgerStreamId,
  RUN_STREAM_PREFIX,
  runIdOfStream,
  runStreamId,
} from '../../domain/stream-names.js';

// Tenants with runs or a ledger, one page at a time (keyset pagination).
const TENANTS_SQL = `
SELECT DISTINCT tenant_id FROM aos_events
 WHERE (stream_id LIKE '${RUN_STREAM_PREFIX}%' OR stream_id LIKE '${LEDGER_STREAM_PREFIX}%')
   AND ($1::text IS NULL OR tenant_id = $1) AND tenant_id > $2
 ORDER BY tenant_id LIMIT $3`;

// A tenant's run streams, by any event they still hold (a run whose RunCreated was deleted is
// still swept, and fails), one page at a time.
const RUNS_SQL = `
SELECT DISTINCT stream_id FROM aos_events
 WHERE tenant_id = $1 AND stream_id LIKE '${RUN_STREAM_PREFIX}%' AND stream_id > $2
 ORDER BY stream_id LIMIT $3`;

// Which of these run streams still hold an event of the tenant.
const EXISTING_SQL =
  'SELECT DISTINCT stream_id FROM aos_events WHERE tenant_id = $1 AND stream_id = ANY($2::text[])';

// Runs the read tables hold rows of while the store has no event of them. The projector writes
// rows only from events, so these were made by hand (the write guard stops the careless, not a
// superuser) or their events were deleted. One page at a time, by run id.
const ORPHANS_SQL = `
SELECT tenant_id, run_id, string_agg(table_name, ', ' ORDER BY table_name) AS tables FROM (
  SELECT tenant_id, run_id, 'aos_traces' AS table_name FROM aos_traces
  UNION SELECT tenant_id, run_id, 'aos_trace_steps' FROM aos_trace_steps
  UNION SELECT tenant_id, run_id, 'runs' FROM runs
) rows
 WHERE ($1::text IS NULL OR tenant_id = $1) AND (run_id, tenant_id) > ($2, $3)
   AND NOT EXISTS (SELECT 1 FROM aos_events e WHERE e.stream_id = '${RUN_STREAM_PREFIX}' || rows.run_id)
 GROUP BY run_id, tenant_id
 ORDER BY run_id, tenant_id LIMIT $4`;

// Completions of runs after a position, in commit order (as readAll reads: never past a
// transaction that may still commit), of one tenant or all.
const COMPLETED_SQL = `
SELECT tenant_id, stream_id, transaction_id::text AS transaction_id, global_position::text AS global_position
  FROM aos_events
 WHERE type = 'RunCompleted' AND stream_id LIKE '${RUN_STREAM_PREFIX}%'
   AND ($1::text IS NULL OR tenant_id = $1)
   AND (transaction_id, global_position) > ($2::text::xid8, $3::bigint)
   AND transaction_id < ${COMMIT_HORIZON_SQL}
 ORDER BY transaction_id, global_position
 LIMIT $4`;

type CompletedRow = { tenant_id: string; stream_id: string; transaction_id: string; global_position: string };

const completedRunOf = (row: CompletedRow): CompletedRun => ({
  tenant_id: row.tenant_id,
  run_id: runIdOfStream(row.stream_id),
  position: { transactionId: BigInt(row.transaction_id), position: BigInt(row.global_position) },
});

const COUNT_SQL = `SELECT count(DISTINCT (tenant_id, stream_id)) FROM aos_events WHERE stream_id LIKE '${RUN_STREAM_PREFIX}%' AND ($1::text IS NULL OR tenant_id = $1)`;

// The ledger index of a run's first seal (aos_sealed_run_id and its index: migration 0005).
const FIRST_SEAL_SQL = `
SELECT min(seq) AS first FROM aos_events
 WHERE stream_id = $1 AND tenant_id = $2 AND type = 'RunSealed' AND aos_sealed_run_id(data) = $3`;

/** The runs of the Postgres event store (aos_events), listed for a sweep. */
export const postgresRunCatalog = (pool: pg.Pool): RunCatalog => ({
  countRuns: async (tenantId) =>
    Number((await pool.query<{ count: string }>(COUNT_SQL, [tenantId])).rows[0]?.count ?? 0),
  tenantsPage: async (tenantId, after, limit) =>
    (await pool.query<{ tenant_id: string }>(TENANTS_SQL, [tenantId, after, limit])).rows.map(
      (r) => r.tenant_id,
    ),
  runIdsPage: async (tenantId, after, limit) =>
    (
      await pool.query<{ stream_id: string }>(RUNS_SQL, [
        tenantId,
        after === '' ? '' : runStreamId(after),
        limit,
      ])
    ).rows.map((r) => runIdOfStream(r.stream_id)),
  existingRuns: async (tenantId, runIds) =>
    new Set(
      (await pool.query<{ stream_id: string }>(EXISTING_SQL, [tenantId, runIds.map(runStreamId)])).rows.map(
        (r) => runIdOfStream(r.stream_id),
      ),
    ),
  firstSealIndex: async (tenantId, runId) =>
    (await pool.query<{ first: number | null }>(FIRST_SEAL_SQL, [ledgerStreamId(tenantId), tenantId, runId]))
      .rows[0]?.first ?? undefined,
  completedRunsPage: async (tenantId, after, limit) =>
    (
      await pool.query<CompletedRow>(COMPLETED_SQL, [
        tenantId,
        after.transactionId.toString(),
        after.position.toString(),
        limit,
      ])
    ).rows.map(completedRunOf),
  orphanedRowsPage: async (tenantId, after, limit) =>
    (await pool.query<OrphanedRows>(ORPHANS_SQL, [tenantId, after[0], after[1], limit])).rows,
});
