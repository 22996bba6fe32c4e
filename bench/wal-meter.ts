import type pg from 'pg';

/** WAL written by the whole server from now until `bytes()` is called (the bench server runs one
 * measurement at a time, so this is the measured work's WAL). */
export const startWalMeter = async (pool: pg.Pool): Promise<{ bytes(): Promise<number> }> => {
  const start = (await pool.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]?.lsn;
  return {
    bytes: async () => {
      const { rows } = await pool.query<{ bytes: string }>(
        'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::bigint AS bytes',
        [start],
      );
      return Number(rows[0]?.bytes ?? Number.NaN);
    },
  };
};

/** CPU time (user + system) this process spends from now until `ms()` is called. */
export const startCpuMeter = (): { ms(): number } => {
  const start = process.cpuUsage();
  return {
    ms: () => {
      const used = process.cpuUsage(start);
      return (used.user + used.system) / 1000;
    },
  };
};
