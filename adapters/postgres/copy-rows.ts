import { StringDecoder } from 'node:string_decoder';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { parseCopyLine, type CopyField } from './copy-text-format.js';

/**
 * The rows of `COPY (query) TO STDOUT` on a client of the pool, a batch per chunk the server sent,
 * each row as its fields. COPY sends the rows without the per-row messages and type parsing of a
 * query's results (the proof of a long run reads hundreds of thousands of rows), and the stream's
 * back-pressure keeps memory bounded: the server is read only as fast as the caller consumes.
 * The client is held until the last row or until the caller stops; a COPY left unfinished is
 * abandoned with its connection (released as broken, never reused).
 */
export async function* copyRows(pool: pg.Pool, query: string): AsyncGenerator<CopyField[][], void> {
  const client = await pool.connect();
  let finished = false;
  const stream = client.query(copyTo(`COPY (${query}) TO STDOUT`));
  try {
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = rest + decoder.write(chunk);
      const end = text.lastIndexOf('\n');
      if (end === -1) {
        rest = text;
        continue;
      }
      rest = text.slice(end + 1);
      yield text.slice(0, end).split('\n').map(parseCopyLine);
    }
    if (rest + decoder.end() !== '') throw new Error('the COPY output ended in the middle of a row');
    finished = true;
  } finally {
    if (!finished) stream.destroy();
    client.release(!finished);
  }
}
