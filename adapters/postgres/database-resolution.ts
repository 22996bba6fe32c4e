import pg from 'pg';
import { migrate } from './migrator.js';

/** `migrationsApplied`: the migrations opening the database applied (empty when it was up to date). */
export type ResolvedDatabase = {
  readonly url: string;
  readonly kind: 'external' | 'embedded';
  readonly migrationsApplied: readonly string[];
  release(): Promise<void>;
};

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
    try {
      migrationsApplied = (await migrate(pool)).applied;
    } finally {
      await pool.end().catch(() => undefined);
    }
    return { url, kind: 'external', migrationsApplied, release: async () => {} };
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
    kind: 'embedded',
    migrationsApplied: lease.migrationsApplied,
    release: () => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      return lease.release();
    },
  };
};
