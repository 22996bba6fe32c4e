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

/** Roles the template's own privileges let connect (migration 0013 grants CONNECT on the database). */
const CONNECT_GRANTEES = `SELECT quote_ident(r.rolname) AS role
  FROM pg_database d CROSS JOIN LATERAL aclexplode(d.datacl) a JOIN pg_roles r ON r.oid = a.grantee
  WHERE d.datname = $1 AND a.privilege_type = 'CONNECT'`;

/** A copy of the run's migrated template (test/support/template-database.ts). Postgres copies the
 * contents but not the database's own privileges (pg_database.datacl): the CONNECT rights the
 * migrations granted on the template are granted on the copy too. */
const copyTemplate = (name: string) =>
  admin(async (client) => {
    const template = inject('templateDatabase');
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    const grantees = (await client.query<{ role: string }>(CONNECT_GRANTEES, [template])).rows;
    if (grantees.length > 0)
      await client.query(`GRANT CONNECT ON DATABASE ${name} TO ${grantees.map((g) => g.role).join(', ')}`);
  });

/** A new database on the test server (embedded, or DATABASE_URL's): migrated (a copy of the
 * migrated template, on which migrate() then finds nothing left to apply), or empty when asked. */
export const freshDatabase = async (options: { migrated?: boolean } = {}): Promise<TestDatabase> => {
  const name = `aos_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  if (options.migrated === false) await admin((client) => client.query(`CREATE DATABASE ${name}`));
  else await copyTemplate(name);
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
