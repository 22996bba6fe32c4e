/** Writes one JSON object to a stream with one of its members an array of rows that arrive one at a
 * time (a long run's steps or events): the same document JSON.stringify(…, null, 2) would give,
 * holding at most ~64 kB of rows and text in memory and waiting for the stream to drain. */
const indent = (json: string, by: string): string => json.replace(/\n/g, `\n${by}`);

const TEXT_PER_WRITE = 64 * 1024;
const ROWS_PER_BATCH = 256;
// JSON.stringify({ rows: [a, b] }, null, 2) is this head, then "\n    " before each row printed with
// its members at six spaces, then this tail: what is in between is the rows as the document has them.
const WRAPPER_HEAD = '{\n  "rows": [';
const WRAPPER_TAIL = '\n  ]\n}';

/** About the length of a flat row's text (a plain object of strings, numbers, booleans and nulls,
 * like a projection row), or null for any other row. */
const flatRowSize = (row: unknown): number | null => {
  if (
    typeof row !== 'object' ||
    row === null ||
    Array.isArray(row) ||
    Object.getPrototypeOf(row) !== Object.prototype
  )
    return null;
  let size = 0;
  const record = row as Record<string, unknown>;
  for (const key in record) {
    const value = record[key];
    if (typeof value === 'string') size += key.length + value.length + 12;
    else if (value === null || typeof value === 'number' || typeof value === 'boolean')
      size += key.length + 32;
    else return null;
  }
  return size;
};

const writeChunk = (out: NodeJS.WritableStream, text: string): Promise<void> =>
  new Promise((resolve, reject) => {
    out.write(text, (error) => (error ? reject(error) : resolve()));
  });

export const writeJsonWithStreamedArray = async (
  out: NodeJS.WritableStream,
  head: Readonly<Record<string, unknown>>,
  arrayKey: string,
  rows: AsyncIterable<unknown>,
  tail: Readonly<Record<string, unknown>> = {},
  /** About the length of a row's text, or null when unknown (the row is printed on its own). */
  sizeOf: (row: unknown) => number | null = flatRowSize,
): Promise<void> => {
  const member = (key: string, value: unknown) =>
    `  ${JSON.stringify(key)}: ${indent(JSON.stringify(value, null, 2), '  ')}`;
  const headText = Object.entries(head)
    .map(([key, value]) => `${member(key, value)},\n`)
    .join('');
  await writeChunk(out, `{\n${headText}  ${JSON.stringify(arrayKey)}: [`);
  // Flat rows (a run's step rows) are printed a batch at a time, as members of a wrapper printed by
  // JSON.stringify with the indentation they have in the document: one native call per batch
  // instead of a pretty-print and an indenting regex per row. A batch ends at 256 rows or ~64 kB,
  // so a run of 10 MB outcomes still prints a row at a time. Other rows are printed one by one.
  let pending = '';
  let batch: unknown[] = [];
  let batchSize = 0;
  let first = true;
  const separator = () => (first ? '' : ',');
  const endBatch = () => {
    if (batch.length === 0) return;
    const wrapped = JSON.stringify({ rows: batch }, null, 2);
    pending += `${separator()}${wrapped.slice(WRAPPER_HEAD.length, -WRAPPER_TAIL.length)}`;
    first = false;
    batch = [];
    batchSize = 0;
  };
  const writePending = async (force: boolean) => {
    if (pending.length < TEXT_PER_WRITE && !(force && pending !== '')) return;
    const text = pending;
    pending = '';
    await writeChunk(out, text);
  };
  for await (const row of rows) {
    const size = sizeOf(row);
    if (size === null) {
      endBatch();
      pending += `${separator()}\n    ${indent(JSON.stringify(row, null, 2), '    ')}`;
      first = false;
    } else {
      batch.push(row);
      batchSize += size;
      if (batch.length >= ROWS_PER_BATCH || batchSize >= TEXT_PER_WRITE) endBatch();
    }
    await writePending(false);
  }
  endBatch();
  await writePending(true);
  const tailText = Object.entries(tail)
    .map(([key, value]) => `,\n${member(key, value)}`)
    .join('');
  await writeChunk(out, `${first ? ']' : '\n  ]'}${tailText}\n}\n`);
};
