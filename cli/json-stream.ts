/** Writes one JSON object to a stream with one of its members an array of rows that arrive one at a
 * time (a long run's steps or events): the same document JSON.stringify(…, null, 2) would give,
 * holding one row in memory at a time and waiting for the stream to drain. */
const indent = (json: string, by: string): string => json.replace(/\n/g, `\n${by}`);

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
  let first = true;
  let buffered = '';
  for await (const row of rows) {
    buffered += `${first ? '\n' : ',\n'}    ${indent(JSON.stringify(row, null, 2), '    ')}`;
    first = false;
    if (buffered.length > 64 * 1024) {
      await writeChunk(out, buffered);
      buffered = '';
    }
  }
  const tailText = Object.entries(tail).map(([key, value]) => `,\n${member(key, value)}`).join('');
  await writeChunk(out, `${buffered}${first ? ']' : '\n  ]'}${tailText}\n}\n`);
};
