import type pg from 'pg';
import { comparableRow, type ComparableRow } from './comparable-row.js';
import { aosTracesTable, aosTraceStepsTable, type TableDefinition } from './projection-tables.js';

/** The columns as the proof compares them. Timestamps come as exact UTC text with microseconds:
 * node-pg's Dates keep only milliseconds, so a timestamp moved by less than one went unseen. */
const selectList = (table: TableDefinition): string =>
  Object.entries(table.columns)
    .map(([column, kind]) => (kind === 'timestamp' ? `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ${column}` : column))
    .join(', ');

const SELECT_TRACES = `SELECT ${selectList(aosTracesTable)} FROM aos_traces WHERE run_id = $1`;
// The first page starts below any integer seq: a row inserted by hand with a negative seq is read
// (and reported) too. $2 is bigint so that bound fits.
const SELECT_STEPS_PAGE = `SELECT ${selectList(aosTraceStepsTable)} FROM aos_trace_steps WHERE run_id = $1 AND seq > $2::bigint ORDER BY seq LIMIT $3`;
const BEFORE_ANY_SEQ = -2147483649;
const COUNT_STEPS = 'SELECT count(*)::int AS count FROM aos_trace_steps WHERE run_id = $1';

export const STEP_ROWS_PAGE = 2000;

/** Every aos_traces row carrying this run id, whatever tenant it claims: the caller has already
 * established the run is the tenant's from its events, and a row claiming another tenant is a
 * divergence to report, not a row to hide. */
export const readProjectedTraces = async (pool: pg.Pool, runId: string): Promise<ComparableRow[]> =>
  (await pool.query(SELECT_TRACES, [runId])).rows.map((row: Record<string, unknown>) => comparableRow(aosTracesTable, row));

export const countProjectedSteps = async (pool: pg.Pool, runId: string): Promise<number> =>
  (await pool.query<{ count: number }>(COUNT_STEPS, [runId])).rows[0]?.count ?? 0;

/** The run's aos_trace_steps rows in seq order, a page at a time (keyset on the primary key), the
 * next page fetched while the caller works on this one: bounded memory whatever the run length. */
export async function* projectedStepRows(pool: pg.Pool, runId: string, pageSize = STEP_ROWS_PAGE): AsyncGenerator<ComparableRow> {
  for await (const row of storedStepRows(pool, runId, pageSize)) yield comparableRow(aosTraceStepsTable, row);
}

/** The same rows as pg gives them (timestamps as exact text, parsed jsonb): what the proof compares cell by cell. */
export async function* storedStepRows(pool: pg.Pool, runId: string, pageSize = STEP_ROWS_PAGE): AsyncGenerator<Record<string, unknown>> {
  const page = (after: number) => pool.query(SELECT_STEPS_PAGE, [runId, after, pageSize]).then((r) => r.rows as Record<string, unknown>[]);
  let next = page(BEFORE_ANY_SEQ);
  for (;;) {
    const rows = await next;
    const last = rows[rows.length - 1];
    next = rows.length === pageSize && last ? page(Number(last.seq)) : Promise.resolve([]);
    yield* rows;
    if (rows.length < pageSize) return;
  }
}
