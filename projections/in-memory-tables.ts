import type { ProjectedEvent } from './projected-event.js';
import type { ProjectionTableName } from './projection-tables.js';
import type { Row, RowChange } from './row-change.js';
import { rowChangesOf } from './run-projection.js';

export type InMemoryTables = Map<ProjectionTableName, Map<string, Row>>;

const keyOf = (columns: readonly string[], row: Row): string =>
  JSON.stringify(columns.map((c) => row[c] ?? null));

/** Applies row changes to in-memory tables exactly as the SQL writer does to Postgres. */
const applyInMemory = (tables: InMemoryTables, change: RowChange): void => {
  const table = tables.get(change.table.name) ?? new Map<string, Row>();
  tables.set(change.table.name, table);
  if (change.kind === 'insert') {
    const key = keyOf(change.table.key, change.row);
    if (!(change.ifAbsent && table.has(key))) table.set(key, change.row);
    return;
  }
  const key = keyOf(change.table.key, change.key);
  const current = table.get(key);
  if (current !== undefined) table.set(key, applyToRow(current, change) ?? current);
};

/** One row under its changes, as applyInMemory does to a table holding only that row. With
 * `inPlace`, updates change the row given (the caller owns it: a fold over a long run). */
export const applyToRow = (
  row: Readonly<Record<string, Row[string]>> | null,
  change: RowChange,
  inPlace = false,
): Record<string, Row[string]> | null => {
  if (change.kind === 'insert') return change.ifAbsent && row !== null ? row : { ...change.row };
  if (row === null) return null;
  const target: Record<string, Row[string]> = inPlace ? (row as Record<string, Row[string]>) : { ...row };
  Object.assign(target, change.set);
  for (const [column, by] of Object.entries(change.increment ?? {}))
    target[column] = Number(target[column] ?? 0) + by;
  return target;
};

/** The rows a sequence of events must leave in the read tables. */
export const deriveTables = (events: readonly ProjectedEvent[]): InMemoryTables => {
  const tables: InMemoryTables = new Map();
  for (const event of events) for (const change of rowChangesOf(event)) applyInMemory(tables, change);
  return tables;
};

export const rowsOf = (tables: InMemoryTables, name: ProjectionTableName): Row[] => [
  ...(tables.get(name)?.values() ?? []),
];
