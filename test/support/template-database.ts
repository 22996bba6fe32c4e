import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../adapters/postgres/migrator.js';

const withDatabaseName = (url: string, name: string): string => {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
};

const asAdmin = async <T>(adminUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> => {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
};

/** A database migrated once for the whole run, which the test files' databases are copies of
 * (CREATE DATABASE ... TEMPLATE): running every migration for each of the ~80 databases of a run
 * cost more than copying one. Its connection is closed before any copy (Postgres copies only a
 * database nobody is connected to). Named at random: on a shared DATABASE_URL server, two runs
 * have their own; dropped at teardown. */
export const migratedTemplate = async (
  adminUrl: string,
): Promise<{ readonly name: string; drop(): Promise<void> }> => {
  const name = `aos_template_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  await asAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const pool = new pg.Pool({ connectionString: withDatabaseName(adminUrl, name), max: 1 });
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
  return {
    name,
    drop: async () => {
      await asAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
};
