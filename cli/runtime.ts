import type { EventAccess, FollowProjections, OpenServices } from '../adapters/open-services.js';
import type { DatabaseConnections } from '../adapters/postgres/roles/database-connections.js';
import type { Services } from '../application/services.js';
import type { EventStoreError } from '../domain/ports/event-store.js';
import { idleSecondsOf, IDLE_VARIABLE } from '../adapters/postgres/embedded/idle-setting.js';
import { CliFailure, infrastructureError } from './cli-failure.js';
import { ExitCode } from './exit-codes.js';

/** What commands that touch the database work with: the use cases' services and what the CLI
 * says about the database. Adapters are imported lazily so that `--help` and usage errors never
 * load pg or start a database. */
export type Runtime = Services & {
  /** Where the events live: `postgres` (aos_events in this database) or `eventstoredb` (AOS_EVENTSTORE_URL). */
  readonly eventStore: 'postgres' | 'eventstoredb';
  /** The projector fed by EventStoreDB's catch-up subscription (null on Postgres). */
  readonly followProjections: FollowProjections | null;
  /** Applies the migrations not yet recorded (opening the database already did), and says which are. */
  readonly migrate: OpenServices['migrate'];
  /** A `SELECT 1` on the pool (aos serve's readiness). */
  readonly ping: OpenServices['ping'];
  readonly databaseKind: 'external' | 'embedded';
  /** Connection URL of this database (contains its credentials: never print it). */
  readonly url: string;
  /** The migrations this command applied when it opened the database (empty when up to date). */
  readonly migrationsApplied: readonly string[];
  /** What the operator should know about how the roles are had (a superuser DATABASE_URL and no
   * URL per role), or null. Printed when the command migrated; `aos-int migrate` prints it always. */
  readonly databaseWarning: string | null;
};

export const storeFailure = (error: EventStoreError): CliFailure => {
  switch (error.kind) {
    case 'store_unavailable':
      return infrastructureError(`event store unavailable: ${error.message}`);
    case 'version_conflict':
      return new CliFailure(
        ExitCode.failed,
        'version_conflict',
        `another writer appended to ${error.streamId} first (expected version ${error.expected}, found ${error.actual}); nothing was written`,
      );
    case 'stream_tenant_mismatch':
      return new CliFailure(
        ExitCode.failed,
        'stream_tenant_mismatch',
        `stream ${error.streamId} belongs to another tenant; nothing was written`,
      );
    case 'store_failed':
      return infrastructureError(`event store failed: ${error.message}`);
  }
};

/** The idle period of the embedded server (AOS_DB_IDLE_SECONDS); a bad value is a usage error. */
const idleSeconds = (env: NodeJS.ProcessEnv): number => {
  const seconds = idleSecondsOf(env);
  if (seconds._tag === 'Right') return seconds.right;
  throw new CliFailure(ExitCode.usage, 'invalid_input', `${IDLE_VARIABLE} ${seconds.left}`, IDLE_VARIABLE);
};

/** Opens the database named by DATABASE_URL, or the embedded one under AOS_HOME (started on
 * demand, or found running; migrated on first use; left running AOS_DB_IDLE_SECONDS after its last
 * user is done, then stopped), runs `work`, and releases
 * everything whatever happens. Interrupted by SIGINT/SIGTERM, it gives the embedded database's lease
 * back and exits, unless `releaseOnSignal: false` (a caller that shuts down gracefully itself). */
export const withRuntime = async <T>(
  work: (runtime: Runtime) => Promise<T>,
  env: NodeJS.ProcessEnv = process.env,
  options: { readonly releaseOnSignal?: boolean; readonly access?: EventAccess } = {},
): Promise<T> => {
  const { databaseUrlProblem, databaseUnavailable } = await import('./database-url-messages.js');
  const problem = env.DATABASE_URL ? databaseUrlProblem(env.DATABASE_URL) : null;
  if (problem) throw problem;
  const idle = env.DATABASE_URL ? 0 : idleSeconds(env);
  const { resolveDatabase } = await import('../adapters/postgres/database-resolution.js');
  let database: Awaited<ReturnType<typeof resolveDatabase>>;
  try {
    database = await resolveDatabase(env, { ...options, idleSeconds: idle });
  } catch (error) {
    throw databaseUnavailable(env.DATABASE_URL, error);
  }
  // Once: when this command set the database up or upgraded it (aos-int migrate says it always).
  if (database.warning !== null && database.migrationsApplied.length > 0) warnOnce(database.warning);
  try {
    return await withDatabaseUrl(database.connections, database.kind, work, {
      eventStoreUrl: env.AOS_EVENTSTORE_URL,
      migrationsApplied: database.migrationsApplied,
      databaseWarning: database.warning,
      access: options.access,
    });
  } finally {
    await database.release();
  }
};

/** `withRuntime` for a command that only reads the events, across tenants: as aos_auditor
 * (proofs, exports, verify-all; docs/DATABASE-ROLES.md). */
export const withAuditRuntime = <T>(work: (runtime: Runtime) => Promise<T>): Promise<T> =>
  withRuntime(work, process.env, { access: 'audit' });

let warned = false;
/** A warning about the database, on stderr, once per process. */
export const warnOnce = (warning: string): void => {
  if (warned) return;
  warned = true;
  process.stderr.write(`aos: warning: ${warning}\n`);
};

/** Runs `work` against one database (already migrated): its connections per role, or one URL whose
 * login takes each role with SET ROLE. With `eventStoreUrl` (withRuntime passes AOS_EVENTSTORE_URL;
 * the demo sandbox passes none) the events live in EventStoreDB and only projections and
 * checkpoints in this database. `access: 'audit'` reads the events as aos_auditor (docs/DATABASE-ROLES.md). */
export const withDatabaseUrl = async <T>(
  database: string | DatabaseConnections,
  kind: Runtime['databaseKind'],
  work: (runtime: Runtime) => Promise<T>,
  options: {
    readonly eventStoreUrl?: string | undefined;
    readonly migrationsApplied?: readonly string[];
    readonly databaseWarning?: string | null;
    readonly access?: EventAccess | undefined;
  } = {},
): Promise<T> => {
  const { openServices } = await import('../adapters/open-services.js');
  const { setRoleConnections } = await import('../adapters/postgres/roles/database-connections.js');
  const connections = typeof database === 'string' ? setRoleConnections(database) : database;
  const url = connections.adminUrl;
  let opened: Awaited<ReturnType<typeof openServices>>;
  try {
    opened = await openServices(connections, {
      eventStoreUrl: options.eventStoreUrl,
      ...(options.access === undefined ? {} : { access: options.access }),
    });
  } catch (error) {
    throw infrastructureError(
      `AOS_EVENTSTORE_URL: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  try {
    return await work({
      ...opened.services,
      eventStore: opened.eventStore,
      followProjections: opened.followProjections,
      migrate: opened.migrate,
      ping: opened.ping,
      databaseKind: kind,
      url,
      migrationsApplied: options.migrationsApplied ?? [],
      databaseWarning: options.databaseWarning ?? null,
    });
  } finally {
    await opened.close();
  }
};
