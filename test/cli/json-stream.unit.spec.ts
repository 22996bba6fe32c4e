import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writeJsonWithStreamedArray } from '../../cli/json-stream.js';

const writes = async (
  head: Record<string, unknown>,
  rows: readonly unknown[],
  tail: Record<string, unknown> = {},
): Promise<string[]> => {
  const chunks: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  async function* streamed() {
    yield* rows;
  }
  await writeJsonWithStreamedArray(out, head, 'rows_key', streamed(), tail);
  return chunks;
};
const written = async (
  head: Record<string, unknown>,
  rows: readonly unknown[],
  tail: Record<string, unknown> = {},
): Promise<string> => (await writes(head, rows, tail)).join('');

const flat = (i: number, text = '') => ({
  run_id: 'r-1',
  seq: i,
  params: `{"message":"line\\nbreak ${i}${text}"}`,
  cost: i / 3,
  none: null,
  ok: i % 2 === 0,
});

const row = (i: number) => ({
  run_id: 'r-1',
  seq: i,
  params: `{"message":"line\\nbreak ${i}"}`,
  nested: { list: [i, 'ü\n', null], empty: {} },
  none: null,
  ok: i % 2 === 0,
});

describe('writeJsonWithStreamedArray', () => {
  // The document streamed is byte for byte what JSON.stringify(…, null, 2) prints of the whole,
  // however many rows and batches: none, one, and more than one write's worth.
  it.each([0, 1, 255, 256, 257, 600])(
    'prints %i rows as JSON.stringify would print the whole document',
    async (count) => {
      const rows = Array.from({ length: count }, (_, i) => row(i));
      const head = {
        run_id: 'r-1',
        integrity: { status: 'VERIFIED', divergence: null },
        list: [1, { a: 'b' }],
      };
      const tail = { verified_at: '2026-11-25T00:00:00.000Z' };
      expect(await written(head, rows, tail)).toBe(
        `${JSON.stringify({ ...head, rows_key: rows, ...tail }, null, 2)}\n`,
      );
    },
  );

  it.each([0, 1, 255, 256, 257, 600])(
    'prints %i flat rows (step rows) as JSON.stringify would',
    async (count) => {
      const rows = Array.from({ length: count }, (_, i) => flat(i));
      expect(await written({ run_id: 'r-1' }, rows, { verified_at: 'now' })).toBe(
        `${JSON.stringify({ run_id: 'r-1', rows_key: rows, verified_at: 'now' }, null, 2)}\n`,
      );
    },
  );

  // Flat and nested rows interleaved, some far larger than a write: the same document, and no write
  // holds many large rows (memory stays bounded by a row, not by a batch of them).
  it('prints mixed and large rows the same, a large row at a time', async () => {
    const big = 'x'.repeat(300_000);
    const rows = [
      flat(0),
      row(1),
      flat(2, big),
      flat(3, big),
      row(4),
      flat(5),
      { ...row(6), nested: { text: big } },
      flat(7, big),
      flat(8),
      'scalar',
    ];
    const chunks = await writes({}, rows);
    expect(chunks.join('')).toBe(`${JSON.stringify({ rows_key: rows }, null, 2)}\n`);
    expect(Math.max(...chunks.map((chunk) => chunk.length))).toBeLessThan(big.length + 70_000);
  });

  it('prints rows that are not objects as JSON does', async () => {
    const rows = ['text with "quotes"', 42, null, [], {}, [[1]]];
    expect(await written({}, rows)).toBe(`${JSON.stringify({ rows_key: rows }, null, 2)}\n`);
  });
});
