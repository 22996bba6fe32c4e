import { shown } from './terminal-text.js';

/** A list for people: its column names, its rows, and the columns of free text (a goal, a
 * description) that are narrowed first when the table is wider than the terminal. */
export type TableData = {
  readonly head: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null>>;
  readonly wrap?: readonly string[];
};

const cellText = (cell: string | number | boolean | null): string => (cell === null ? '' : shown(cell));

/** Narrowest a column gets (its padding included). */
const MIN_COLUMN = 6;

const longestWord = (text: string): number => Math.max(0, ...text.split(/\s+/).map((word) => word.length));

/** The width of each column (padding of one space each side included) so that the table, borders
 * and all, fits in `width` characters: the free-text columns are narrowed first, down to their
 * longest word; if that is not enough, the widest columns are narrowed further, to MIN_COLUMN at
 * the least. Without a width (a pipe or a file), each column is as wide as its text. */
const columnWidths = (table: TableData, width: number | undefined): number[] => {
  const texts = table.head.map((name, i) => [name, ...table.rows.map((row) => cellText(row[i] ?? null))]);
  const natural = texts.map((cells) => Math.max(...cells.map((cell) => cell.length)) + 2);
  if (width === undefined || width <= 0) return natural;
  const budget = width - (natural.length + 1);
  const sum = (widths: number[]) => widths.reduce((a, b) => a + b, 0);
  if (sum(natural) <= budget) return natural;
  /** Each column narrowed to at most `cap`, none below its floor. */
  const capped = (cap: number, from: number[], floor: (i: number) => number) =>
    from.map((w, i) => Math.min(w, Math.max(cap, floor(i))));
  const largestFitting = (from: number[], floor: (i: number) => number): number[] => {
    let cap = Math.max(...from);
    while (cap > MIN_COLUMN && sum(capped(cap, from, floor)) > budget) cap--;
    return capped(cap, from, floor);
  };
  const wordFloor = texts.map((cells, i) =>
    table.wrap?.includes(table.head[i] ?? '') === true
      ? Math.max(MIN_COLUMN, ...cells.map(longestWord).map((w) => w + 2))
      : natural[i]!,
  );
  const betweenWords = largestFitting(natural, (i) => wordFloor[i]!);
  return sum(betweenWords) <= budget ? betweenWords : largestFitting(betweenWords, () => MIN_COLUMN);
};

/** Printable ASCII, one column a character, with no space at either end to trim. */
const PLAIN = /^(?:[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?)?$/;

/** A cell wrap-ansi would return as it is: plain text no wider than its column. Most cells are, and
 * wrap-ansi measures each character of each cell (string-width, Intl.Segmenter): most of a small
 * table's time. */
const fitsAsItIs = (text: string, columns: number): boolean => text.length <= columns && PLAIN.test(text);

/** A plain table for people; scripts use --json or --output tsv. It fits in `width` columns (the
 * terminal's): the cells of a column narrowed are wrapped between words, and a word longer than
 * the column is broken, nothing cut off (wrap-ansi). cli-table3 (and its colour library) is loaded
 * only when a table is printed, not by every CLI call; it draws no colour. Each cell is `shown`: a
 * name or a goal stays in its cell, escapes and all. */
export const renderTable = async (table: TableData, width: number | undefined): Promise<string> => {
  if (table.rows.length === 0) return '(none)';
  const [{ default: Table }, { default: wrapAnsi }] = await Promise.all([
    import('cli-table3'),
    import('wrap-ansi'),
  ]);
  const widths = columnWidths(table, width);
  const fitted = (cell: string | number | boolean | null, i: number): string => {
    const text = cellText(cell);
    const columns = Math.max(1, widths[i]! - 2);
    return fitsAsItIs(text, columns) ? text : wrapAnsi(text, columns, { hard: true });
  };
  const rendered = new Table({
    head: table.head.map(fitted),
    style: { head: [], border: [] },
    colWidths: widths,
  });
  for (const row of table.rows) rendered.push(row.map(fitted));
  return rendered.toString();
};

/** A cell for TSV: a backslash, a tab, a line break or any other control character escaped
 * (`\\`, `\t`, `\n`, `\uXXXX`), so that each row is one line and each cell one field. */
const tsvCell = (cell: string | number | boolean | null): string =>
  cell === null ? '' : shown(String(cell).replace(/\\/g, '\\\\'));

/** The table as tab-separated values: its head, then one line per row. */
export const tsvOf = (table: TableData): string =>
  [table.head, ...table.rows].map((row) => row.map(tsvCell).join('\t')).join('\n');
