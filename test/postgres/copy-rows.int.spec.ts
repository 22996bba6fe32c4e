import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyRows } from '../../adapters/postgres/copy-rows.js';
import { isDatabaseFailure, storeErrorOf } from '../../adapters/postgres/pg-error.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase({ migrated: false });
});
afterAll(async () => {
  await db.drop();
});

const all = async (rows: AsyncGenerator<(string | null)[][], void>) => {
  const out: (string | null)[][] = [];
  for await (const batch of rows) out.push(...batch);
  return out;
};

describe('copyRows (COPY ... TO STDOUT, text format)', () => {
  it('reads no rows, and a row far longer than a chunk, whole', async () => {
    expect(await all(copyRows(db.pool, 'SELECT 1 WHERE false'))).toEqual([]);
    const rows = await all(copyRows(db.pool, `SELECT repeat('é\t\\', 2000000) AS long, 'after' AS next`));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.[0]).toBe('é\t\\'.repeat(2000000));
    expect(rows[0]?.[1]).toBe('after');
  });

  it('prints floats exactly where the database default would round them (extra_float_digits = 0)', async () => {
    await db.pool.query(`ALTER DATABASE "${new URL(db.url).pathname.slice(1)}" SET extra_float_digits = 0`);
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      expect(
        (await pool.query<{ f: string }>('SELECT 0.09900000000000003::float8::text AS f')).rows[0]?.f,
      ).toBe('0.099');
      expect(await all(copyRows(pool, 'SELECT 0.09900000000000003::float8'))).toEqual([
        ['0.09900000000000003'],
      ]);
    } finally {
      await pool.end();
      await db.pool.query(`ALTER DATABASE "${new URL(db.url).pathname.slice(1)}" RESET extra_float_digits`);
    }
  });

  // Given a COPY under way, when its connection is lost (server shutdown, pg_terminate_backend),
  // then the read fails with that error (no uncaught 'error' event taking the process down), and
  // the pool goes on serving.
  it('fails the read when the connection is lost mid-COPY, and the pool still serves', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    try {
      const rows = copyRows(pool, "SELECT i, repeat('x', 200) FROM generate_series(1, 2000000) AS i");
      expect((await rows.next()).done).toBe(false);
      const { rows: killed } = await db.pool.query<{ killed: boolean }>(
        `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE query LIKE 'COPY (SELECT i, repeat%' AND pid <> pg_backend_pid()`,
      );
      expect(killed).toEqual([{ killed: true }]);
      await new Promise((resolve) => setTimeout(resolve, 200)); // the loss arrives while nobody reads
      // The server's 57P01 (admin shutdown) arrives before the socket closes, or the socket closes
      // first ("Connection terminated unexpectedly"), as the race goes: either way the read fails
      // with an error the proof reports as the store's (isDatabaseFailure), not a hang or a defect.
      const failure = await (async () => {
        for (;;) if ((await rows.next()).done) return null;
      })().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Error);
      expect(isDatabaseFailure(failure)).toBe(true);
      expect(storeErrorOf(failure)).toMatchObject({ kind: 'store_unavailable' });
      expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });
});
