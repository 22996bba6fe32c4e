import { access, chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import pg from 'pg';
import lockfile from 'proper-lockfile';
import { migrate } from '../migrator.js';
import type { DatabaseConnections } from '../roles/database-connections.js';
import { ensureAosHome } from './aos-home.js';
import {
  initialiseCluster,
  isInitialised,
  isRunning,
  readPassword,
  readPort,
  startServer,
  stopServer,
} from './embedded-cluster.js';
import { DATABASE_NAME, type EmbeddedLayout, SUPERUSER, embeddedLayout } from './embedded-layout.js';
import { ensureRoleLogins } from './embedded-role-logins.js';
import { canEnter, postgresAccount } from './postgres-account.js';
import { dropLease, liveLeases, takeLease } from './server-leases.js';

export type EmbeddedOptions = { readonly home: string | undefined };
/** `migrationsApplied`: what opening the database applied (empty when it was up to date). */
export type EmbeddedLease = {
  readonly url: string;
  /** How to connect as each role: its own login (embedded-role-logins.ts). */
  readonly connections: DatabaseConnections;
  readonly migrationsApplied: readonly string[];
  release(): Promise<void>;
};
export type EmbeddedStatus = {
  readonly home: string;
  readonly initialised: boolean;
  readonly running: boolean;
  readonly pinned: boolean;
  readonly port: number | null;
  readonly users: number;
};

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/** Runs `work` holding the inter-process lock of this AOS_HOME (waits up to ~2 minutes for it). */
const underLock = async <T>(
  home: string | undefined,
  work: (layout: EmbeddedLayout, home: string) => Promise<T>,
): Promise<T> => {
  const directory = await ensureAosHome(home);
  const layout = embeddedLayout(directory);
  await mkdir(layout.root, { recursive: true, mode: 0o755 });
  await chmod(layout.root, 0o755);
  let compromised: Error | undefined;
  const unlock = await lockfile.lock(layout.root, {
    lockfilePath: layout.lockFile,
    realpath: false,
    stale: 20_000,
    retries: { retries: 240, factor: 1.2, minTimeout: 25, maxTimeout: 500 },
    onCompromised: (error) => {
      compromised = error;
    },
  });
  try {
    const result = await work(layout, directory);
    if (compromised) throw new Error(`lost the lock on ${layout.root}: ${compromised.message}`);
    return result;
  } finally {
    await unlock().catch(() => undefined);
  }
};

const serverUrl = async (layout: EmbeddedLayout, database: string): Promise<string> => {
  const port = await readPort(layout);
  if (port === undefined)
    throw new Error(
      `the embedded Postgres is running but ${layout.serverFile} is missing; run \`aos-int db stop\``,
    );
  const password = encodeURIComponent(await readPassword(layout));
  return `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/${database}`;
};

/** Initialises the cluster if needed, starts the server if it is down, and makes sure the product
 * database exists and is migrated. Called under the lock. */
const ensureServing = async (
  layout: EmbeddedLayout,
): Promise<{
  readonly url: string;
  readonly connections: DatabaseConnections;
  readonly migrationsApplied: readonly string[];
}> => {
  const account = await postgresAccount();
  if (!canEnter(account, layout.root)) {
    throw new Error(
      `the postgres account (uid ${account.uid}) cannot enter ${layout.root}, so the server cannot use it; choose an AOS_HOME whose parent directories are world-searchable, for example /var/lib/aos-runproof`,
    );
  }
  if (!(await isInitialised(layout))) await initialiseCluster(layout);
  if (!(await isRunning(layout, account))) await startServer(layout, account);
  const admin = new pg.Client({ connectionString: await serverUrl(layout, 'postgres') });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(DATABASE_NAME)}`);
  } finally {
    await admin.end().catch(() => undefined);
  }
  const url = await serverUrl(layout, DATABASE_NAME);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  let migrationsApplied: readonly string[];
  try {
    migrationsApplied = (await migrate(pool)).applied;
  } finally {
    await pool.end().catch(() => undefined);
  }
  return { url, connections: await ensureRoleLogins(layout, url), migrationsApplied };
};

/** Stops the server when nobody uses it any more and nobody pinned it. Called under the lock. */
const stopIfUnused = async (layout: EmbeddedLayout): Promise<void> => {
  if ((await liveLeases(layout.leases)).length > 0 || (await exists(layout.pinnedFile))) return;
  await stopServer(layout, await postgresAccount());
};

/** The embedded database for one command: started on demand, shared by concurrent commands, and
 * stopped by the last one to release it (unless `aos-int db start` pinned it). */
export const acquireEmbeddedDatabase = async (options: EmbeddedOptions): Promise<EmbeddedLease> =>
  underLock(options.home, async (layout) => {
    const lease = await takeLease(layout.leases);
    try {
      const { url, connections, migrationsApplied } = await ensureServing(layout);
      return {
        url,
        connections,
        migrationsApplied,
        release: () =>
          underLock(options.home, async (current) => {
            await dropLease(lease);
            await stopIfUnused(current);
          }),
      };
    } catch (error) {
      await dropLease(lease);
      await stopIfUnused(layout).catch(() => undefined);
      throw error;
    }
  });

/** `aos-int db start`: starts the server and keeps it up until `db stop`. */
export const startPinnedServer = async (options: EmbeddedOptions): Promise<EmbeddedStatus> => {
  await underLock(options.home, async (layout) => {
    await ensureServing(layout);
    await writeFile(layout.pinnedFile, new Date().toISOString());
  });
  return embeddedServerStatus(options);
};

/** `aos-int db stop`: unpins and stops the server, even if commands still hold leases (they fail
 * with a connection error, which is what the operator asked for). */
export const stopEmbeddedServer = async (
  options: EmbeddedOptions,
): Promise<{ readonly wasRunning: boolean }> =>
  underLock(options.home, async (layout) => {
    await rm(layout.pinnedFile, { force: true });
    const account = await postgresAccount();
    const wasRunning = await isRunning(layout, account);
    await stopServer(layout, account);
    return { wasRunning };
  });

export const embeddedServerStatus = async (options: EmbeddedOptions): Promise<EmbeddedStatus> =>
  underLock(options.home, async (layout, home) => {
    const running = await isRunning(layout, await postgresAccount());
    return {
      home,
      initialised: await isInitialised(layout),
      running,
      pinned: await exists(layout.pinnedFile),
      port: running ? ((await readPort(layout)) ?? null) : null,
      users: (await liveLeases(layout.leases)).length,
    };
  });
