import { setTenant } from './tenant-transaction.js';
import { StringDecoder } from 'node:string_decoder';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { parseCopyLine, type CopyField } from './copy-text-format.js';

/**
 * The rows of `COPY (query) TO STDOUT` on a client of the pool, a batch per chunk the server sent,
 * each row as its fields. COPY sends the rows without the per-row messages and type parsing of a
 * query's results (the proof of a long run reads hundreds of thousands of rows), and the stream's
 * back-pressure keeps memory bounded: the server is read only as fast as the caller consumes.
 * The client is held until the last row or until the caller stops (the caller must then call
 * `return()`); a COPY left unfinished is abandoned with its connection (released as broken, never
 * reused). A connection lost during the COPY ends it with that error.
 */
const exactFloats = new WeakSet<pg.PoolClient>();

export async function* copyRows(
  pool: pg.Pool,
  query: string,
  tenantId?: string,
): AsyncGenerator<CopyField[][], void> {
  const client = await pool.connect();
  let finished = false;
  let stream: ReturnType<typeof copyTo> | null = null;
  // pg-pool listens for a client's errors only while it is idle: a connection lost mid-COPY would
  // be an uncaught 'error' event (the process dies) instead of an error of this read.
  const onError = (error: Error) => stream?.destroy(error);
  client.on('error', onError);
  try {
    // Floats exactly, whatever the database's default says (extra_float_digits = 0 prints 15
    // digits, and two different doubles alike). A session setting: once per connection.
    if (!exactFloats.has(client)) {
      await client.query('SET extra_float_digits = 3');
      exactFloats.add(client);
    }
    // A tenant's rows: the COPY in a transaction naming it (row-level security, migration 0013).
    if (tenantId !== undefined) {
      await client.query('BEGIN');
      await setTenant(client, tenantId);
    }
    stream = client.query(copyTo(`COPY (${query}) TO STDOUT`));
    const decoder = new StringDecoder('utf8');
    // The text after the last complete row, in pieces: a row longer than many chunks (a 10 MB
    // outcome) is joined once, not again with each chunk.
    let partial: string[] = [];
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = decoder.write(chunk);
      const end = text.lastIndexOf('\n');
      if (end === -1) {
        partial.push(text);
        continue;
      }
      partial.push(text.slice(0, end));
      const rows = partial.join('');
      partial = [text.slice(end + 1)];
      yield rows.split('\n').map(parseCopyLine);
    }
    if (partial.join('') + decoder.end() !== '')
      throw new Error('the COPY output ended in the middle of a row');
    if (tenantId !== undefined) await client.query('COMMIT');
    finished = true;
  } finally {
    client.off('error', onError);
    if (!finished) stream?.destroy();
    client.release(!finished);
  }
}
