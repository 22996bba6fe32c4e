import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';

type MigrateJson = { database: string; applied: string[]; newly_applied: string[] };

const MIGRATIONS = readdirSync(new URL('../../migrations/', import.meta.url))
  .filter((name) => name.endsWith('.sql'))
  .sort();

describe('aos-int migrate on DATABASE_URL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase({ migrated: false });
  });
  afterAll(async () => {
    await db.drop();
  });

  it('says which migrations this call applied (all of them on an empty database), then none', async () => {
    const first = await runCli('aos-int', ['migrate', '--json'], { DATABASE_URL: db.url });
    expect(first.code, first.stderr).toBe(0);
    expect(jsonOf<MigrateJson>(first)).toEqual({
      database: 'external',
      applied: MIGRATIONS,
      newly_applied: MIGRATIONS,
    });
    const again = await runCli('aos-int', ['migrate'], { DATABASE_URL: db.url });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('applied by this call: none (up to date)');
    const recorded = await db.pool.query<{ name: string }>('SELECT name FROM aos_migrations ORDER BY name');
    expect(recorded.rows.map((r) => r.name)).toEqual(MIGRATIONS);
  });
});
