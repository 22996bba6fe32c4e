import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { migrate } from '../../adapters/postgres/migrator.js';

export type TestDatabase = {
  /** Connection URL of this test file's own database. */
  readonly url: string;
  readonly pool: pg.Pool;
  /** Ends the pool and drops the database. */
  drop(): Promise<void>;
};

const withDatabaseName = (url: string, name: string): string => {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
};

const admin = async <T>(run: (client: pg.Client) => Promise<T>): Promise<T> => {
  const client = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
};

/** A new, empty, migrated database on the test server (embedded, or DATABASE_URL's). */
export const freshDatabase = async (options: { migrated?: boolean } = {}): Promise<TestDatabase> => {
  const name = `aos_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = withDatabaseName(inject('adminDatabaseUrl'), name);
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  // An idle connection ended by the drop below (FORCE) before it had closed is not a test failure.
  pool.on('error', () => undefined);
  if (options.migrated !== false) await migrate(pool);
  return {
    url,
    pool,
    drop: async () => {
      await pool.end();
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
};
