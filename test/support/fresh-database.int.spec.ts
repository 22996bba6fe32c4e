import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationFiles } from '../../adapters/postgres/migrator.js';
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

  it('copies every migration and the CONNECT rights of the roles, and copies stay apart', async () => {
    const applied = await db.pool.query<{ name: string }>('SELECT name FROM aos_migrations ORDER BY name');
    expect(applied.rows.map((r) => r.name)).toEqual(await migrationFiles());
    const connect = await db.pool.query<{ role: string; allowed: boolean }>(
      `SELECT r AS role, has_database_privilege(r, current_database(), 'CONNECT') AS allowed
         FROM unnest(ARRAY['aos_writer', 'aos_projector', 'aos_reader', 'aos_auditor']) AS r`,
    );
    expect(connect.rows.every((r) => r.allowed)).toBe(true);
    const acl = await db.pool.query<{ granted: string[] }>(
      `SELECT ARRAY(SELECT r.rolname::text FROM aclexplode(datacl) a JOIN pg_roles r ON r.oid = a.grantee
         WHERE a.privilege_type = 'CONNECT' ORDER BY 1) AS granted
         FROM pg_database WHERE datname = current_database()`,
    );
    expect(acl.rows[0]?.granted).toEqual(expect.arrayContaining(['aos_auditor', 'aos_reader', 'aos_writer']));
    const third = await freshDatabase();
    try {
      await db.pool.query("INSERT INTO aos_migrations (name) VALUES ('9999_only_here.sql')");
      const there = await third.pool.query("SELECT 1 FROM aos_migrations WHERE name = '9999_only_here.sql'");
      expect(there.rowCount).toBe(0);
    } finally {
      await third.drop();
    }
  });
});
