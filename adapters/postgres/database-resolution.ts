import pg from 'pg';
import { migrate } from './migrator.js';
import {
  DATABASE_ROLES,
  type DatabaseConnections,
  externalConnections,
  roleUrlVariable,
} from './roles/database-connections.js';

/** `migrationsApplied`: the migrations opening the database applied (empty when it was up to date).
 * `warning`: what the operator should know about how the roles are had (a superuser DATABASE_URL
 * with no URL per role), or null. */
export type ResolvedDatabase = {
  /** The login that migrates (DATABASE_URL, or the embedded superuser): never given to the ports. */
  readonly url: string;
  readonly connections: DatabaseConnections;
  readonly warning: string | null;
  readonly kind: 'external' | 'embedded';
  readonly migrationsApplied: readonly string[];
  release(): Promise<void>;
};

const isSuperuser = async (pool: pg.Pool): Promise<boolean> =>
  (await pool.query<{ on: string }>("SELECT current_setting('is_superuser') AS on")).rows[0]?.on === 'on';

const SUPERUSER_WARNING = `DATABASE_URL logs in as a superuser and no URL per role is set (${DATABASE_ROLES.map(
  roleUrlVariable,
).join(
  ', ',
)}): commands take their roles with SET ROLE, so the grants and row-level security hold for them, but whoever holds DATABASE_URL reaches every tenant; see docs/DATABASE-ROLES.md`;

/** DATABASE_URL when set (migrated on first use), else the embedded Postgres under AOS_HOME, left
 * running `idleSeconds` after its last command (0, the default: stopped by that command). */
export const resolveDatabase = async (
  env: NodeJS.ProcessEnv,
  options: { readonly releaseOnSignal?: boolean; readonly idleSeconds?: number } = {},
): Promise<ResolvedDatabase> => {
  const url = env.DATABASE_URL;
  if (url !== undefined && url !== '') {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    pool.on('error', () => undefined);
    let migrationsApplied: readonly string[];
    const connections = externalConnections(url, env);
    let warning: string | null = null;
    try {
      migrationsApplied = (await migrate(pool)).applied;
      if (connections.split === 'set-role' && (await isSuperuser(pool))) warning = SUPERUSER_WARNING;
    } finally {
      await pool.end().catch(() => undefined);
    }
    return { url, connections, warning, kind: 'external', migrationsApplied, release: async () => {} };
  }
  const { acquireEmbeddedDatabase } = await import('./embedded/embedded-database.js');
  const lease = await acquireEmbeddedDatabase({ home: env.AOS_HOME, idleSeconds: options.idleSeconds });
  // Interrupted (Ctrl-C, kill), the command still gives its lease back, so the server it started
  // does not outlive its idle period; then it exits with the signal's conventional code. A caller that handles
  // the signals itself (`aos serve`: a graceful shutdown, then release) says releaseOnSignal: false.
  const onSignal = (signal: NodeJS.Signals): void => {
    void lease.release().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  if (options.releaseOnSignal !== false) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  return {
    url: lease.url,
    connections: lease.connections,
    warning: null,
    kind: 'embedded',
    migrationsApplied: lease.migrationsApplied,
    release: () => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      return lease.release();
    },
  };
};
