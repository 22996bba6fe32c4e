import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from './fresh-database.js';

describe('test database harness', () => {
  let db: TestDatabase;
  let other: TestDatabase;
  beforeAll(async () => {
    [db, other] = await Promise.all([freshDatabase(), freshDatabase({ migrated: false })]);
  });
  afterAll(async () => {
    await Promise.all([db.drop(), other.drop()]);
  });

  it('gives each caller its own real Postgres database (13 or later), migrated unless asked not to be', async () => {
    const version = await db.pool.query<{ server_version_num: string }>('SHOW server_version_num');
    expect(Number(version.rows[0]?.server_version_num)).toBeGreaterThanOrEqual(130000);
    expect(db.url).not.toBe(other.url);
    expect((await db.pool.query("SELECT to_regclass('aos_events') IS NOT NULL AS present")).rows[0]).toEqual({
      present: true,
    });
    expect(
      (await other.pool.query("SELECT to_regclass('aos_events') IS NOT NULL AS present")).rows[0],
    ).toEqual({ present: false });
  });
});
