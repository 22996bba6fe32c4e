import { comparableCell, type ComparableRow, type ComparableValue } from './comparable-row.js';
import { aosTraceStepsTable, type ColumnKind } from './projection-tables.js';

/** A cell of a stored row as the read model prints it as text (Postgres: as COPY's text format
 * gives it), or null for SQL NULL. Timestamps are exact UTC text with microseconds. */
export type StoredField = string | null;

/** The columns of aos_trace_steps with their kinds: the order of a stored step row's fields. */
export const STEP_COLUMNS = Object.entries(aosTraceStepsTable.columns) as [string, ColumnKind][];

/** A stored cell's text as the value a query through node-pg gives for its kind (jsonb parsed,
 * numbers as numbers): what the comparison and comparableRow take. */
export const storedCellValue = (kind: ColumnKind, field: StoredField): unknown => {
  if (field === null) return null;
  switch (kind) {
    case 'json':
      try {
        return JSON.parse(field) as unknown;
      } catch {
        return field;
      }
    case 'integer':
    case 'float':
      return Number(field);
    case 'text':
    case 'timestamp':
      return field;
  }
};

/** A stored step row (its fields in STEP_COLUMNS order) as comparableRow gives it. */
export const comparableStepRow = (fields: readonly StoredField[]): ComparableRow => {
  const row: Record<string, ComparableValue> = {};
  for (let i = 0; i < STEP_COLUMNS.length; i++) {
    const [column, kind] = STEP_COLUMNS[i]!;
    row[column] = comparableCell(kind, storedCellValue(kind, fields[i] ?? null));
  }
  return row;
};
