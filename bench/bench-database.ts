import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { acquireEmbeddedDatabase } from '../adapters/postgres/embedded/embedded-database.js';
import { migrate } from '../adapters/postgres/migrator.js';

/** One database of the bench server, made for one section (or one repetition of it). */
export type BenchDatabase = {
  readonly name: string;
  /** Connection URL (with the server's generated password). */
  readonly url: string;
  /** A pool on this database, ended by `drop`. `bulk` turns synchronous commit off for seeding,
   * never for what is measured. */
  pool(max: number, options?: { readonly bulk?: boolean }): pg.Pool;
  drop(): Promise<void>;
};

export type BenchServer = {
  /** AOS_HOME of the server: a fresh temporary directory, removed by `stop`. */
  readonly home: string;
  readonly version: string;
  /** A fresh database; `migrated` applies the product's migrations (the Emmett side has its own schema). */
  database(name: string, options: { readonly migrated: boolean }): Promise<BenchDatabase>;
  stop(): Promise<void>;
};

const withDatabase = (url: string, name: string): string => {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
};

/** The product's embedded Postgres (as `aos` starts it when DATABASE_URL is unset), under a fresh
 * AOS_HOME, with the product's default server settings: the bench measures what users get. */
export const startBenchServer = async (): Promise<BenchServer> => {
  const home = await mkdtemp(join(tmpdir(), 'aos-bench-'));
  await chmod(home, 0o755); // the postgres account must reach the data directory
  let lease: Awaited<ReturnType<typeof acquireEmbeddedDatabase>>;
  try {
    lease = await acquireEmbeddedDatabase({ home });
  } catch (error) {
    await rm(home, { recursive: true, force: true });
    throw error;
  }
  const adminUrl = withDatabase(lease.url, 'postgres');
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const version = await admin(
    async (c) =>
      (await c.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?',
  );
  const open = new Set<BenchDatabase>();
  let stopped = false;
  return {
    home,
    version,
    database: async (name, options) => {
      await admin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`);
        await c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}`);
      });
      const url = withDatabase(lease.url, name);
      const pools: pg.Pool[] = [];
      const database: BenchDatabase = {
        name,
        url,
        pool: (max, poolOptions = {}) => {
          const pool = new pg.Pool({
            connectionString: url,
            max,
            ...(poolOptions.bulk ? { options: '-c synchronous_commit=off' } : {}),
          });
          pool.on('error', () => undefined);
          pools.push(pool);
          return pool;
        },
        drop: async () => {
          open.delete(database);
          await Promise.all(pools.splice(0).map((p) => p.end().catch(() => undefined)));
          await admin((c) =>
            c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`),
          ).catch(() => undefined);
        },
      };
      open.add(database);
      if (options.migrated) {
        const pool = database.pool(1);
        await migrate(pool);
      }
      return database;
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      for (const database of [...open]) await database.drop();
      try {
        await lease.release(); // the last lease stops the server
      } finally {
        await rm(home, { recursive: true, force: true });
      }
    },
  };
};
