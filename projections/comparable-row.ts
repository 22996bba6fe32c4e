import { canonicalJson } from '../domain/json/canonical-json.js';
import type { JsonValue } from '../domain/json/json-value.js';
import type { ColumnKind, TableDefinition } from './projection-tables.js';

export type ComparableValue = string | number | null;
export type ComparableRow = Readonly<Record<string, ComparableValue>>;

// A stored timestamp read as exact text (projected-rows-reader.ts): whole milliseconds print as
// toISOString() does, anything finer keeps its microseconds and so differs from every event time.
const WHOLE_MILLISECONDS = /^(.*\.\d{3})000Z$/;

const normalizeTimestamp = (value: unknown): ComparableValue => {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? `invalid date` : value.toISOString();
  const text = String(value);
  return WHOLE_MILLISECONDS.exec(text)?.[1]?.concat('Z') ?? text;
};

const normalizeInteger = (value: unknown): ComparableValue => {
  if (value === null || value === undefined) return null;
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isSafeInteger(number) ? number : String(value);
};

/** One cell in the comparable form of comparableRow. */
export const comparableCell = (kind: ColumnKind, value: unknown): ComparableValue => normalize(kind, value);

const normalize = (kind: ColumnKind, value: unknown): ComparableValue => {
  switch (kind) {
    case 'text':
      return value === null || value === undefined ? null : String(value);
    case 'integer':
      return normalizeInteger(value);
    case 'float':
      return value === null || value === undefined ? null : Number(value);
    case 'timestamp':
      return normalizeTimestamp(value);
    case 'json':
      return value === null || value === undefined ? null : canonicalJson(value as JsonValue);
  }
};

/** One representation for a row whether it was derived in memory or read back from Postgres
 * (Dates to RFC 3339, bigint strings to numbers, jsonb to its canonical text). */
export const comparableRow = (
  table: TableDefinition,
  row: Readonly<Record<string, unknown>>,
): ComparableRow => {
  const comparable: Record<string, ComparableValue> = {};
  for (const column in table.columns) comparable[column] = normalize(table.columns[column]!, row[column]);
  return comparable;
};
