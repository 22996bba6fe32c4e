import { access, rm, writeFile } from 'node:fs/promises';
import pg from 'pg';
import { migrate, migrationFiles } from '../migrator.js';
import type { DatabaseConnections } from '../roles/database-connections.js';
import {
  initialiseCluster,
  isInitialised,
  isRunning,
  readPassword,
  readPort,
  startServer,
  stopServer,
} from './embedded-cluster.js';
import { DATABASE_NAME, type EmbeddedLayout, SUPERUSER } from './embedded-layout.js';
import { underLock } from './embedded-lock.js';
import { clearIdleState, readIdleState, writeIdleState } from './idle-state.js';
import { endWatcher, startWatcher, watcherRunning } from './idle-watcher-process.js';
import { ensureRoleLogins, knownRoleLogins } from './embedded-role-logins.js';
import { canEnter, postgresAccount } from './postgres-account.js';
import { livePostmaster } from './postmaster.js';
import { dropLease, liveLeases, takeLease } from './server-leases.js';
import { forgetServing, isServing, recordServing } from './serving-state.js';

/** `idleSeconds`: how long the server stays up after the last command releases it (0: stop then). */
export type EmbeddedOptions = { readonly home: string | undefined; readonly idleSeconds?: number };
/** `migrationsApplied`: what opening the database applied (empty when it was up to date). */
export type EmbeddedLease = {
  readonly url: string;
  /** How to connect as each role: its own login (embedded-role-logins.ts). */
  readonly connections: DatabaseConnections;
  readonly migrationsApplied: readonly string[];
  release(): Promise<void>;
};

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

const serverUrl = async (layout: EmbeddedLayout, database: string): Promise<string> => {
  const port = await readPort(layout);
  if (port === undefined)
    throw new Error(
      `the embedded Postgres is running but ${layout.serverFile} is missing; run \`aos db stop\``,
    );
  const password = encodeURIComponent(await readPassword(layout));
  return `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/${database}`;
};

type Serving = {
  readonly url: string;
  readonly connections: DatabaseConnections;
  readonly migrationsApplied: readonly string[];
};

/** Connects to the product database and applies the migrations it lacks (one read when none). */
const migrated = async (layout: EmbeddedLayout): Promise<Serving> => {
  const url = await serverUrl(layout, DATABASE_NAME);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  pool.on('error', () => undefined);
  let migrationsApplied: readonly string[];
  try {
    migrationsApplied = (await migrate(pool)).applied;
  } finally {
    await pool.end().catch(() => undefined);
  }
  return { url, connections: await ensureRoleLogins(layout, url), migrationsApplied };
};

/** Initialises the cluster if needed, starts the server if it is down, and makes sure the product
 * database exists and is migrated. Called under the lock. A warm server (its postmaster alive, and
 * serving.json saying this postmaster has the database with these migrations) costs no connection
 * and no process; one that has not been checked under this postmaster yet, one connection. */
const ensureServing = async (layout: EmbeddedLayout): Promise<Serving> => {
  const migrations = await migrationFiles();
  const running = await livePostmaster(layout);
  if (running !== null) {
    if (await isServing(layout, running, migrations)) {
      const url = await serverUrl(layout, DATABASE_NAME);
      const connections = (await knownRoleLogins(layout, url)) ?? (await ensureRoleLogins(layout, url));
      return { url, connections, migrationsApplied: [] };
    }
    const warm = await migrated(layout).catch(() => null);
    if (warm !== null) {
      await recordServing(layout, running, migrations);
      return warm;
    }
  }
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
  const serving = await migrated(layout);
  const started = await livePostmaster(layout);
  if (started !== null) await recordServing(layout, started, migrations);
  return serving;
};

/** Stops the server now, and its idle watcher with it. Called under the lock. */
const stopNow = async (layout: EmbeddedLayout): Promise<void> => {
  endWatcher((await readIdleState(layout))?.watcher ?? null);
  await stopServer(layout, await postgresAccount());
  await clearIdleState(layout);
  await forgetServing(layout);
};

/** Leaves the server up for `idleSeconds` from now, with a watcher to stop it then (the one
 * already running, or a new one). False when no watcher can be started. Called under the lock. */
const keepIdle = async (layout: EmbeddedLayout, home: string, idleSeconds: number): Promise<boolean> => {
  const recorded = (await readIdleState(layout))?.watcher ?? null;
  const watcher = recorded !== null && watcherRunning(recorded) ? recorded : startWatcher(home);
  if (watcher === null) return false;
  const until = new Date(Date.now() + idleSeconds * 1000).toISOString();
  await writeIdleState(layout, { until, watcher });
  return true;
};

/** After a command released the server: pinned, it stays up; with an idle period, it stays up
 * until then; else the last user stops it. Called under the lock. */
const afterUse = async (layout: EmbeddedLayout, home: string, idleSeconds: number): Promise<void> => {
  if (await exists(layout.pinnedFile)) return;
  if (
    idleSeconds > 0 &&
    (await livePostmaster(layout)) !== null &&
    (await keepIdle(layout, home, idleSeconds))
  )
    return;
  if ((await liveLeases(layout.leases)).length === 0) await stopNow(layout);
};

/** The embedded database for one command: started on demand (or found running), shared by
 * concurrent commands, and left up for `idleSeconds` after the last one releases it (then stopped
 * by the idle watcher), or stopped by that last one when `idleSeconds` is 0 (unless pinned). */
export const acquireEmbeddedDatabase = async (options: EmbeddedOptions): Promise<EmbeddedLease> => {
  const idleSeconds = options.idleSeconds ?? 0;
  return underLock(options.home, async (layout, home) => {
    const lease = await takeLease(layout.leases);
    try {
      const { url, connections, migrationsApplied } = await ensureServing(layout);
      return {
        url,
        connections,
        migrationsApplied,
        release: () =>
          underLock(home, async (current) => {
            await dropLease(lease);
            await afterUse(current, home, idleSeconds);
          }),
      };
    } catch (error) {
      await dropLease(lease);
      await afterUse(layout, home, idleSeconds).catch(() => undefined);
      throw error;
    }
  });
};

/** `aos db start`: starts the server and keeps it up until `db stop`. */
export const startPinnedServer = async (options: EmbeddedOptions): Promise<void> =>
  underLock(options.home, async (layout) => {
    await ensureServing(layout);
    await writeFile(layout.pinnedFile, new Date().toISOString());
    endWatcher((await readIdleState(layout))?.watcher ?? null);
    await clearIdleState(layout);
  });

/** `aos db stop`: unpins and stops the server at once, idle or not, even if commands still hold
 * leases (they fail with a connection error, which is what the operator asked for). */
export const stopEmbeddedServer = async (
  options: EmbeddedOptions,
): Promise<{ readonly wasRunning: boolean }> =>
  underLock(options.home, async (layout) => {
    await rm(layout.pinnedFile, { force: true });
    const wasRunning = await isRunning(layout, await postgresAccount());
    await stopNow(layout);
    return { wasRunning };
  });
