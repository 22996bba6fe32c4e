import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonbText } from '../../projections/jsonb-text.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';

// The proof compares a derived jsonb cell with the stored one by text alone (step-rows-comparison.ts):
// the text must be the one Postgres prints for what the projector stores, or a run nobody touched
// would fail its proof.
let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase({ migrated: false });
});
afterAll(async () => {
  await db.drop();
});

const VALUES: unknown[] = [
  {},
  [],
  { message: 'a long run of 100000 steps' },
  {
    url: 'https://api.example.test/v1/items?x=1&y=2',
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: '[redacted]' },
  },
  {
    status: 200,
    body: { items: [{ id: 1, ok: true, price: 12.5, tags: ['a', 'b'], none: null }] },
    elapsed_ms: 0.125,
  },
  {
    model: 'gpt',
    usage: { prompt_tokens: 1200, completion_tokens: 345 },
    text: 'line 1\nline 2\t"quoted" \\ back \u0001 é 😀',
  },
  [
    { attempt: 1, outcome: { category: 'transient', code: 'HTTP_503' }, duration_ms: 12.345 },
    { attempt: 2, outcome: { category: 'success', code: 'OK' }, duration_ms: 3 },
  ],
  { aa: 1, b: 2, a: 3, ab: 4, B: 5, Z: 6, _: 7, '0': 8, '10': 9, '9': 10 },
  {
    numbers: [
      0,
      -0,
      -1,
      1.5,
      -0.25,
      123456789,
      9007199254740991,
      -9007199254740991,
      0.1,
      0.1 + 0.2,
      1e20,
      0.000001,
    ],
  },
  { exponents: [1e21, -1.2345e22, 1.7976931348623157e308, 1.5e-7, -2.5e-10, 5e-324, 1e-7, 123e25] },
  { é: 1, z: 2, ab: 3, ü: { 日本: true, x: false }, '😀': [] },
];

describe('jsonbText against Postgres', () => {
  it('prints what jsonb::text prints for what the projector stores, for the shapes runs record', async () => {
    for (const value of VALUES) {
      const { rows } = await db.pool.query<{ text: string }>('SELECT $1::jsonb::text AS text', [
        JSON.stringify(value),
      ]);
      expect(jsonbText(value)).toBe(rows[0]?.text);
    }
  });
});
