import type { Divergence } from '../domain/proof/run-verification.js';
import { sameCell } from './cell-equality.js';
import { comparableCell, type ComparableRow } from './comparable-row.js';
import { aosTraceStepsTable, type ColumnKind } from './projection-tables.js';
import type { Row } from './row-change.js';

type Failure = { readonly reason: string; readonly divergence: Divergence };

const firstDifferentColumn = (expected: ComparableRow, actual: ComparableRow) => Object.keys(expected).find((column) => expected[column] !== actual[column]);

const seqOf = (row: Readonly<Record<string, unknown>>): number => Number(row.seq);

const STEP_COLUMNS = Object.entries(aosTraceStepsTable.columns) as [string, ColumnKind][];

const missing = (seq: number): Failure => ({ reason: 'aos_trace_steps row missing', divergence: { source: 'projection', seq, field: 'aos_trace_steps.row', expected: 'present', actual: 'missing' } });
const extra = (seq: number): Failure => ({ reason: 'aos_trace_steps row with no StepExecuted event', divergence: { source: 'projection', seq, field: 'aos_trace_steps.row', expected: 'absent', actual: 'present' } });

/**
 * RUNPROOF step 4 for aos_trace_steps as a merge join: the rows replay derives arrive in seq order
 * (one per StepExecuted), the stored rows are read in seq order beside them, and the first
 * divergence in seq order is kept: a row missing, a row with no event, or the first column that
 * differs. Holds one stored row at a time.
 */
export const createStepRowsComparison = (actualRows: AsyncIterator<Readonly<Record<string, unknown>>>) => {
  let failure: Failure | null = null;
  let pending: Readonly<Record<string, unknown>> | null | undefined; // undefined: not read yet; null: no more rows
  const peek = async (): Promise<Readonly<Record<string, unknown>> | null> => {
    if (pending === undefined) {
      const next = await actualRows.next();
      pending = next.done ? null : next.value;
    }
    return pending;
  };
  const take = () => { pending = undefined; };
  return {
    failure: () => failure,
    /** The next row replay derives (as the projector would write it), in seq order. */
    expect: async (expected: Row): Promise<void> => {
      if (failure) return;
      const actual = await peek();
      const seq = seqOf(expected);
      if (actual !== null && seqOf(actual) < seq) { failure = extra(seqOf(actual)); return; }
      if (actual === null || seqOf(actual) > seq) { failure = missing(seq); return; }
      take();
      const different = STEP_COLUMNS.find(([column, kind]) => !sameCell(kind, expected[column], actual[column]));
      if (different !== undefined) {
        const [column, kind] = different;
        failure = {
          reason: `aos_trace_steps.${column} differs from the event`,
          divergence: { source: 'projection', seq, field: `aos_trace_steps.${column}`, expected: comparableCell(kind, expected[column]), actual: comparableCell(kind, actual[column]) },
        };
      }
    },
    /** After the last event: a stored row left over has no event. */
    finish: async (): Promise<Failure | null> => {
      if (failure) return failure;
      const actual = await peek();
      if (actual !== null) failure = extra(seqOf(actual));
      return failure;
    },
  };
};

/** aos_traces: exactly one row, equal to the one replay derives. */
export const compareTraceRows = (expected: ComparableRow | null, actual: readonly ComparableRow[]): { count: Failure | null; columns: Failure | null } => {
  const expectedCount = expected ? 1 : 0;
  if (actual.length !== 1 || expected === null) {
    return {
      count: { reason: actual.length === 0 ? 'aos_traces row missing' : 'aos_traces row count differs', divergence: { source: 'projection', seq: null, field: 'aos_traces.rows', expected: expectedCount, actual: actual.length } },
      columns: null,
    };
  }
  const stored = actual[0]!;
  const column = firstDifferentColumn(expected, stored);
  return {
    count: null,
    columns: column === undefined ? null : {
      reason: `aos_traces.${column} differs from replay`,
      divergence: { source: 'projection', seq: null, field: `aos_traces.${column}`, expected: expected[column] ?? null, actual: stored[column] ?? null },
    },
  };
};
