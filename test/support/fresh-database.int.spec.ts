import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from './fresh-database.js';

describe('test database harness', () => {
  let db: TestDatabase;
  beforeAll(async () => { db = await freshDatabase(); });
  afterAll(async () => { await db.drop(); });

  it('gives a real Postgres with the migrations recorded', async () => {
    const version = await db.pool.query<{ server_version_num: string }>('SHOW server_version_num');
    expect(Number(version.rows[0]?.server_version_num)).toBeGreaterThanOrEqual(130000);
    const applied = await db.pool.query('SELECT name FROM aos_migrations');
    expect(applied.rowCount).toBeGreaterThanOrEqual(0);
  });
});
