import { shown } from './terminal-text.js';

/** A plain table for people; scripts use --json. cli-table3 (and its colour library) is loaded only
 * when a table is printed, not by every CLI call. Each cell is `shown`: a name or a goal stays in
 * its cell, escapes and all. */
export const renderTable = async (
  head: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number | null>>,
): Promise<string> => {
  if (rows.length === 0) return '(none)';
  const { default: Table } = await import('cli-table3');
  const table = new Table({ head: [...head], style: { head: [], border: [] } });
  for (const row of rows) table.push(row.map((cell) => (cell === null ? '' : shown(cell))));
  return table.toString();
};
