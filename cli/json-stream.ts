/** Writes one JSON object to a stream with one of its members an array of rows that arrive one at a
 * time (a long run's steps or events): the same document JSON.stringify(…, null, 2) would give,
 * holding one row in memory at a time and waiting for the stream to drain. */
const indent = (json: string, by: string): string => json.replace(/\n/g, `\n${by}`);

const ROWS_PER_WRITE = 256;
// JSON.stringify({ rows: [a, b] }, null, 2) is this head, then "\n    " before each row printed with
// its members at six spaces, then this tail: what is in between is the rows as the document has them.
const WRAPPER_HEAD = '{\n  "rows": [';
const WRAPPER_TAIL = '\n  ]\n}';

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
): Promise<void> => {
  const member = (key: string, value: unknown) => `  ${JSON.stringify(key)}: ${indent(JSON.stringify(value, null, 2), '  ')}`;
  const headText = Object.entries(head).map(([key, value]) => `${member(key, value)},\n`).join('');
  await writeChunk(out, `{\n${headText}  ${JSON.stringify(arrayKey)}: [`);
  // Rows are printed a batch at a time, as members of a wrapper printed by JSON.stringify with the
  // indentation they have in the document: one native call per batch instead of a pretty-print
  // and an indenting regex per row.
  let first = true;
  let batch: unknown[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const wrapped = JSON.stringify({ rows: batch }, null, 2);
    const text = wrapped.slice(WRAPPER_HEAD.length, -WRAPPER_TAIL.length);
    batch = [];
    await writeChunk(out, `${first ? '' : ','}${text}`);
    first = false;
  };
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= ROWS_PER_WRITE) await flush();
  }
  await flush();
  const tailText = Object.entries(tail).map(([key, value]) => `,\n${member(key, value)}`).join('');
  await writeChunk(out, `${first ? ']' : '\n  ]'}${tailText}\n}\n`);
};
