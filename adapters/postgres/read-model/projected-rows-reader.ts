import pg from 'pg';
import { copyRows } from '../copy-rows.js';
import { comparableRow, type ComparableRow } from '../../../projections/comparable-row.js';
import {
  aosTracesTable,
  aosTraceStepsTable,
  type TableDefinition,
} from '../../../projections/projection-tables.js';
import type { StoredField } from '../../../projections/stored-step-cells.js';

/** The columns as the proof compares them. Timestamps come as exact UTC text with microseconds:
 * node-pg's Dates keep only milliseconds, so a timestamp moved by less than one went unseen. YYYY
 * has no era: a time before year 1 gets " BC" after it, or 2026 BC would read as 2026; to_char
 * gives NULL for infinity, which is read as its own text instead, or it would pass for no time. */
const selectList = (table: TableDefinition): string =>
  Object.entries(table.columns)
    .map(([column, kind]) =>
      kind === 'timestamp'
        ? `CASE WHEN NOT isfinite(${column}) THEN ${column}::text ELSE to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || CASE WHEN ${column} < '0001-01-01T00:00:00Z' THEN ' BC' ELSE '' END END AS ${column}`
        : column,
    )
    .join(', ');

const SELECT_TRACES = `SELECT ${selectList(aosTracesTable)} FROM aos_traces WHERE run_id = $1`;
const COUNT_STEPS = 'SELECT count(*)::int AS count FROM aos_trace_steps WHERE run_id = $1';

/** Every aos_traces row carrying this run id, whatever tenant it claims: the caller has already
 * established the run is the tenant's from its events, and a row claiming another tenant is a
 * divergence to report, not a row to hide. */
export const readProjectedTraces = async (pool: pg.Pool, runId: string): Promise<ComparableRow[]> =>
  (await pool.query(SELECT_TRACES, [runId])).rows.map((row: Record<string, unknown>) =>
    comparableRow(aosTracesTable, row),
  );

export const countProjectedSteps = async (pool: pg.Pool, runId: string): Promise<number> =>
  (await pool.query<{ count: number }>(COUNT_STEPS, [runId])).rows[0]?.count ?? 0;

/** The run's aos_trace_steps rows in seq order, every one of them (a row inserted by hand with a
 * negative seq too), streamed by COPY (copy-rows.ts) in bounded memory: a batch of rows at a
 * time, each as its fields in the order of aosTraceStepsTable.columns, timestamps as exact text. */
export const storedStepRowBatches = (pool: pg.Pool, runId: string): AsyncGenerator<StoredField[][], void> =>
  copyRows(
    pool,
    `SELECT ${selectList(aosTraceStepsTable)} FROM aos_trace_steps WHERE run_id = ${pg.escapeLiteral(runId)} ORDER BY seq`,
  );
