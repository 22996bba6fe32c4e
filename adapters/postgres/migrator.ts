import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

/** The package's migrations folder, found upwards from this module: from the sources, from
 * dist/ (tsc) or from dist/bin/chunks (the bundled CLI). */
export const migrationsDirectory = (): string => {
  for (let up = 1; up <= 5; up++) {
    const candidate = fileURLToPath(new URL(`${'../'.repeat(up)}migrations/`, import.meta.url));
    if (existsSync(join(candidate, '0001_event_store.sql'))) return candidate;
  }
  throw new Error(`the migrations folder was not found above ${fileURLToPath(import.meta.url)}`);
};

const MIGRATION_NAME = /^\d{4}_[a-z0-9_]+\.sql$/;
/** Any constant: the advisory lock key that serializes concurrent migrators on one database. */
const MIGRATION_LOCK_KEY = 7_263_001;

export type MigrationResult = {
  readonly applied: readonly string[];
  readonly alreadyApplied: readonly string[];
};

/** The package's migration files, in the order they apply. */
export const migrationFiles = async (directory = migrationsDirectory()): Promise<string[]> =>
  (await readdir(directory)).filter((name) => MIGRATION_NAME.test(name)).sort();

/** Applies the ordered SQL files not yet recorded in `aos_migrations`, each in its own transaction,
 * under an advisory lock so two processes migrating at once apply each file once. */
export const migrate = async (pool: pg.Pool, directory = migrationsDirectory()): Promise<MigrationResult> => {
  const files = await migrationFiles(directory);
  // Every CLI call passes here: when every file is recorded, one read answers, without the lock.
  const recorded = await pool.query<{ name: string }>('SELECT name FROM aos_migrations').then(
    (r) => new Set(r.rows.map((row) => row.name)),
    () => null,
  );
  if (recorded !== null && files.every((name) => recorded.has(name)))
    return { applied: [], alreadyApplied: files };
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS aos_migrations (
      name text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set(
      (await client.query<{ name: string }>('SELECT name FROM aos_migrations')).rows.map((r) => r.name),
    );
    const applied: string[] = [];
    for (const name of files) {
      if (done.has(name)) continue;
      const sql = await readFile(`${directory}/${name}`, 'utf8');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO aos_migrations (name) VALUES ($1)', [name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${name} failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(name);
    }
    return { applied, alreadyApplied: files.filter((name) => done.has(name)) };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    client.release();
  }
};
