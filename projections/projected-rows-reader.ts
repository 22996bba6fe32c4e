import type pg from 'pg';
import { comparableRow, type ComparableRow } from './comparable-row.js';
import { aosTracesTable, aosTraceStepsTable } from './projection-tables.js';

export type ProjectedRunRows = { readonly traces: ComparableRow[]; readonly steps: ComparableRow[] };

const SELECT_TRACES = `SELECT ${Object.keys(aosTracesTable.columns).join(', ')} FROM aos_traces WHERE run_id = $1`;
const SELECT_STEPS = `SELECT ${Object.keys(aosTraceStepsTable.columns).join(', ')} FROM aos_trace_steps WHERE run_id = $1 ORDER BY seq`;

/** Every projected row carrying this run id, whatever tenant it claims: the caller has already
 * established the run is the tenant's from its events, and a row claiming another tenant is a
 * divergence to report, not a row to hide. */
export const readProjectedRunRows = async (pool: pg.Pool, runId: string): Promise<ProjectedRunRows> => {
  const [traces, steps] = await Promise.all([pool.query(SELECT_TRACES, [runId]), pool.query(SELECT_STEPS, [runId])]);
  return {
    traces: traces.rows.map((row: Record<string, unknown>) => comparableRow(aosTracesTable, row)),
    steps: steps.rows.map((row: Record<string, unknown>) => comparableRow(aosTraceStepsTable, row)),
  };
};
