import Table from 'cli-table3';

/** A plain table for people; scripts use --json. */
export const renderTable = (head: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string => {
  if (rows.length === 0) return '(none)';
  const table = new Table({ head: [...head], style: { head: [], border: [] } });
  for (const row of rows) table.push(row.map((cell) => (cell === null ? '' : String(cell))));
  return table.toString();
};
