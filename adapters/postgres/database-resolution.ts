import pg from 'pg';
import { migrate } from './migrator.js';

export type ResolvedDatabase = { readonly url: string; readonly kind: 'external' | 'embedded'; release(): Promise<void> };

/** DATABASE_URL when set (migrated on first use), else the embedded Postgres under AOS_HOME. */
export const resolveDatabase = async (env: NodeJS.ProcessEnv): Promise<ResolvedDatabase> => {
  const url = env.DATABASE_URL;
  if (url !== undefined && url !== '') {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    pool.on('error', () => undefined);
    try {
      await migrate(pool);
    } finally {
      await pool.end().catch(() => undefined);
    }
    return { url, kind: 'external', release: async () => {} };
  }
  const { acquireEmbeddedDatabase } = await import('./embedded/embedded-database.js');
  const lease = await acquireEmbeddedDatabase({ home: env.AOS_HOME });
  return { url: lease.url, kind: 'embedded', release: () => lease.release() };
};
