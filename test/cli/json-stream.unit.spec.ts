import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writeJsonWithStreamedArray } from '../../cli/json-stream.js';

const written = async (head: Record<string, unknown>, rows: readonly unknown[], tail: Record<string, unknown> = {}): Promise<string> => {
  let text = '';
  const out = new Writable({ write(chunk: Buffer, _encoding, callback) { text += chunk.toString('utf8'); callback(); } });
  async function* streamed() { yield* rows; }
  await writeJsonWithStreamedArray(out, head, 'rows_key', streamed(), tail);
  return text;
};

const row = (i: number) => ({
  run_id: 'r-1', seq: i, params: `{"message":"line\\nbreak ${i}"}`, nested: { list: [i, 'ü\n', null], empty: {} }, none: null, ok: i % 2 === 0,
});

describe('writeJsonWithStreamedArray', () => {
  // The document streamed is byte for byte what JSON.stringify(…, null, 2) prints of the whole,
  // however many rows and batches: none, one, and more than one write's worth.
  it.each([0, 1, 255, 256, 257, 600])('prints %i rows as JSON.stringify would print the whole document', async (count) => {
    const rows = Array.from({ length: count }, (_, i) => row(i));
    const head = { run_id: 'r-1', integrity: { status: 'VERIFIED', divergence: null }, list: [1, { a: 'b' }] };
    const tail = { verified_at: '2026-11-25T00:00:00.000Z' };
    expect(await written(head, rows, tail)).toBe(`${JSON.stringify({ ...head, rows_key: rows, ...tail }, null, 2)}\n`);
  });

  it('prints rows that are not objects as JSON does', async () => {
    const rows = ['text with "quotes"', 42, null, [], {}, [[1]]];
    expect(await written({}, rows)).toBe(`${JSON.stringify({ rows_key: rows }, null, 2)}\n`);
  });
});
