import { type StoredField, STEP_COLUMNS, storedCellValue } from '../../projections/stored-step-cells.js';
import { UTC_MILLIS_TIME } from '../../domain/ports/clock.js';
import type { Divergence } from '../../domain/proof/run-verification.js';
import { sameCell } from '../../projections/cell-equality.js';
import {
  comparableCell,
  type ComparableRow,
  type ComparableValue,
} from '../../projections/comparable-row.js';
import { jsonbText } from '../../projections/jsonb-text.js';
import type { ColumnKind } from '../../projections/projection-tables.js';
import type { Row } from '../../projections/row-change.js';

type Failure = { readonly reason: string; readonly divergence: Divergence };

const firstDifferentColumn = (expected: ComparableRow, actual: ComparableRow) =>
  Object.keys(expected).find((column) => expected[column] !== actual[column]);

const SEQ_FIELD = STEP_COLUMNS.findIndex(([column]) => column === 'seq');

const seqOf = (fields: readonly StoredField[]): number => Number(fields[SEQ_FIELD]);

/** The text a stored cell (as the read model's stepRowFields gives it) has when it holds exactly the derived
 * value, where one text says so; undefined where only the value comparison can tell. */
const exactText = (kind: Exclude<ColumnKind, 'json'>, value: unknown): string | undefined => {
  switch (kind) {
    case 'text':
      return typeof value === 'string' ? value : undefined;
    case 'integer':
    case 'float':
      return typeof value === 'number' ? String(value) : undefined;
    case 'timestamp':
      return typeof value === 'string' && UTC_MILLIS_TIME.test(value)
        ? `${value.slice(0, 23)}000Z`
        : undefined;
  }
};

/** Whether the stored cell holds the derived value. jsonb by its text alone (jsonb-text.ts): a
 * parsed number keeps 17 digits and jsonb every one, so 0.10000000000000000001 is not 0.1 there.
 * Other kinds by their text where that decides (the common case, nothing parsed), else as sameCell
 * compares the values (a float Postgres prints as 1e-07 and JavaScript as 1e-7). */
const holds = (kind: ColumnKind, expected: unknown, field: StoredField): boolean => {
  if (kind === 'json') {
    if (expected === null || expected === undefined) return field === null; // the projector writes no value as SQL NULL, never jsonb null
    const text = jsonbText(expected);
    if (text !== null) return text === field;
  } else if (field !== null && exactText(kind, expected) === field) return true;
  return sameCell(kind, expected, storedCellValue(kind, field));
};

/** The stored cell as the divergence shows it: its comparable form, or for jsonb whose comparable
 * form is the derived one (digits a parsed number loses) the stored text itself. */
const shownActual = (kind: ColumnKind, expected: ComparableValue, field: StoredField): ComparableValue => {
  const actual = comparableCell(kind, storedCellValue(kind, field));
  return kind === 'json' && actual === expected ? field : actual;
};

const missing = (seq: number): Failure => ({
  reason: 'aos_trace_steps row missing',
  divergence: {
    source: 'projection',
    seq,
    field: 'aos_trace_steps.row',
    expected: 'present',
    actual: 'missing',
  },
});
const extra = (seq: number): Failure => ({
  reason: 'aos_trace_steps row with no StepExecuted event',
  divergence: {
    source: 'projection',
    seq,
    field: 'aos_trace_steps.row',
    expected: 'absent',
    actual: 'present',
  },
});

/**
 * RUNPROOF step 4 for aos_trace_steps as a merge join: the rows replay derives arrive in seq order
 * (one per StepExecuted), the stored rows are read in seq order beside them, a batch at a time,
 * and the first divergence in seq order is kept: a row missing, a row with no event, or the first
 * column that differs. `expect` returns a promise only when it has to wait for the next batch.
 */
// eslint-disable-next-line max-lines-per-function -- a merge join's cursor (batch, index, end, first failure) shared by its three small methods
export const createStepRowsComparison = (storedBatches: AsyncIterator<StoredField[][], unknown>) => {
  let failure: Failure | null = null;
  let batch: StoredField[][] = [];
  let index = 0;
  let ended = false;
  const refill = async (): Promise<void> => {
    while (index >= batch.length && !ended) {
      const next = await storedBatches.next();
      if (next.done) ended = true;
      else {
        batch = next.value;
        index = 0;
      }
    }
  };
  const compare = (expected: Row): void => {
    const actual = index < batch.length ? batch[index]! : null;
    const seq = Number(expected.seq);
    if (actual !== null && seqOf(actual) < seq) {
      failure = extra(seqOf(actual));
      return;
    }
    if (actual === null || seqOf(actual) > seq) {
      failure = missing(seq);
      return;
    }
    index += 1;
    for (let i = 0; i < STEP_COLUMNS.length; i++) {
      const [column, kind] = STEP_COLUMNS[i]!;
      const field = actual[i] ?? null;
      if (holds(kind, expected[column], field)) continue;
      const shownExpected = comparableCell(kind, expected[column]);
      failure = {
        reason: `aos_trace_steps.${column} differs from the event`,
        divergence: {
          source: 'projection',
          seq,
          field: `aos_trace_steps.${column}`,
          expected: shownExpected,
          actual: shownActual(kind, shownExpected, field),
        },
      };
      return;
    }
  };
  return {
    failure: () => failure,
    /** The next row replay derives (as the projector would write it), in seq order. */
    expect: (expected: Row): Promise<void> | undefined => {
      if (failure) return undefined;
      if (index < batch.length || ended) {
        compare(expected);
        return undefined;
      }
      return refill().then(() => compare(expected));
    },
    /** After the last event: a stored row left over has no event. */
    finish: async (): Promise<Failure | null> => {
      if (failure) return failure;
      await refill();
      if (index < batch.length) failure = extra(seqOf(batch[index]!));
      return failure;
    },
  };
};

/** aos_traces: exactly one row, equal to the one replay derives. */
export const compareTraceRows = (
  expected: ComparableRow | null,
  actual: readonly ComparableRow[],
): { count: Failure | null; columns: Failure | null } => {
  const expectedCount = expected ? 1 : 0;
  if (actual.length !== 1 || expected === null) {
    return {
      count: {
        reason: actual.length === 0 ? 'aos_traces row missing' : 'aos_traces row count differs',
        divergence: {
          source: 'projection',
          seq: null,
          field: 'aos_traces.rows',
          expected: expectedCount,
          actual: actual.length,
        },
      },
      columns: null,
    };
  }
  const stored = actual[0]!;
  const column = firstDifferentColumn(expected, stored);
  return {
    count: null,
    columns:
      column === undefined
        ? null
        : {
            reason: `aos_traces.${column} differs from replay`,
            divergence: {
              source: 'projection',
              seq: null,
              field: `aos_traces.${column}`,
              expected: expected[column] ?? null,
              actual: stored[column] ?? null,
            },
          },
  };
};
