import type pg from 'pg';
import type { ColumnKind } from '../../../projections/projection-tables.js';
import type { CellValue, RowChange } from '../../../projections/row-change.js';

const parameter = (kind: ColumnKind | undefined, value: CellValue): unknown =>
  kind === 'json' && value !== null ? JSON.stringify(value) : value;

const cast = (kind: ColumnKind | undefined): string => (kind === 'json' ? '::jsonb' : '');

/** Applies one row change with one statement. Table and column names come from the fixed table
 * definitions, never from input; values are parameters. */
export const writeRowChange = async (client: pg.ClientBase, change: RowChange): Promise<void> => {
  const { name, columns } = change.table;
  const kinds = columns as Readonly<Record<string, ColumnKind>>;
  if (change.kind === 'insert') {
    const names = Object.keys(change.row);
    const values = names.map((c) => parameter(kinds[c], change.row[c] ?? null));
    const placeholders = names.map((c, i) => `$${i + 1}${cast(kinds[c])}`);
    await client.query(
      `INSERT INTO ${name} (${names.join(', ')}) VALUES (${placeholders.join(', ')})${change.ifAbsent ? ' ON CONFLICT DO NOTHING' : ''}`,
      values,
    );
    return;
  }
  const values: unknown[] = [];
  const assignments = Object.entries(change.set).map(([column, value]) => {
    values.push(parameter(kinds[column], value));
    return `${column} = $${values.length}${cast(kinds[column])}`;
  });
  for (const [column, by] of Object.entries(change.increment ?? {})) {
    values.push(by);
    assignments.push(`${column} = ${column} + $${values.length}`);
  }
  const conditions = Object.entries(change.key).map(([column, value]) => {
    values.push(value);
    return `${column} = $${values.length}`;
  });
  const result = await client.query(
    `UPDATE ${name} SET ${assignments.join(', ')} WHERE ${conditions.join(' AND ')}`,
    values,
  );
  if (result.rowCount !== 1) {
    throw new Error(
      `projection update of ${name} ${JSON.stringify(change.key)} matched ${result.rowCount} rows, expected 1`,
    );
  }
};
