import type pg from 'pg';
import { applyToRow } from '../../../projections/in-memory-tables.js';
import type { ColumnKind, ProjectionTable } from '../../../projections/projection-tables.js';
import type { Row, RowChange } from '../../../projections/row-change.js';
import { writeRowChange } from './sql-row-writer.js';

type PendingUpdate = {
  table: ProjectionTable;
  key: Row;
  set: Record<string, Row[string]>;
  increment: Record<string, number>;
};

const keyOf = (table: ProjectionTable, row: Row): string =>
  JSON.stringify(table.key.map((column) => row[column] ?? null));

/**
 * The row changes of a batch of events, written with few statements and the same result as
 * applying them one by one: a row inserted in the batch takes its later updates in memory and is
 * inserted once, with every new row of a table in one INSERT; updates of rows from earlier batches
 * are merged per row (last value set, increments summed) into one UPDATE each. An update of a row
 * that exists nowhere, or a second insert of a key, fails as it would one by one.
 */
export const writeRowChanges = async (
  client: pg.ClientBase,
  changes: readonly RowChange[],
): Promise<void> => {
  const inserts = new Map<string, { table: ProjectionTable; rows: Map<string, Row>; ifAbsent: boolean }>();
  const updates = new Map<string, PendingUpdate>();
  for (const change of changes) {
    const table = change.table;
    const inserted = inserts.get(table.name) ?? { table, rows: new Map<string, Row>(), ifAbsent: false };
    inserts.set(table.name, inserted);
    if (change.kind === 'insert') {
      const key = keyOf(table, change.row);
      if (change.ifAbsent) {
        inserted.ifAbsent = true;
        if (!inserted.rows.has(key)) inserted.rows.set(key, change.row);
        continue;
      }
      if (inserted.rows.has(key) || updates.has(`${table.name}|${key}`))
        throw new Error(
          `projection insert of ${table.name} ${key} conflicts with a change earlier in the batch`,
        );
      inserted.rows.set(key, change.row);
      continue;
    }
    const key = keyOf(table, change.key);
    const row = inserted.rows.get(key);
    if (row !== undefined) {
      inserted.rows.set(key, applyToRow(row, change) ?? row);
      continue;
    }
    const pending = updates.get(`${table.name}|${key}`) ?? { table, key: change.key, set: {}, increment: {} };
    Object.assign(pending.set, change.set);
    for (const [column, by] of Object.entries(change.increment ?? {}))
      pending.increment[column] = (pending.increment[column] ?? 0) + by;
    updates.set(`${table.name}|${key}`, pending);
  }
  for (const { table, rows, ifAbsent } of inserts.values())
    if (rows.size > 0) await insertRows(client, table, [...rows.values()], ifAbsent);
  for (const pending of updates.values()) {
    await writeRowChange(client, {
      kind: 'update',
      table: pending.table,
      key: pending.key,
      set: pending.set,
      increment: pending.increment,
    });
  }
};

/** One INSERT for many rows: the rows as one JSON array, spread into the table's columns by
 * jsonb_populate_recordset. A JSON null in a jsonb column becomes SQL NULL, as a one-row insert
 * with a null parameter gives. */
const insertRows = async (
  client: pg.ClientBase,
  table: ProjectionTable,
  rows: readonly Row[],
  ifAbsent: boolean,
): Promise<void> => {
  const kinds = table.columns as Readonly<Record<string, ColumnKind>>;
  const columns = Object.keys(kinds);
  const select = columns
    .map((c) => (kinds[c] === 'json' ? `NULLIF(r.${c}, 'null'::jsonb)` : `r.${c}`))
    .join(', ');
  const document = JSON.stringify(
    rows.map((row) => Object.fromEntries(columns.map((c) => [c, row[c] ?? null]))),
  );
  await client.query(
    `INSERT INTO ${table.name} (${columns.join(', ')}) SELECT ${select} FROM jsonb_populate_recordset(NULL::${table.name}, $1::jsonb) AS r${ifAbsent ? ' ON CONFLICT DO NOTHING' : ''}`,
    [document],
  );
};
