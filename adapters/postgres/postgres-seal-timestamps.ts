import { tenantQuery } from './tenant-transaction.js';
import type pg from 'pg';
import type { SealTimestamps } from '../../application/ports/seal-timestamps.js';
import { databaseQuery } from './pg-error.js';

const SAVE_SQL = `INSERT INTO aos_seal_timestamps (tenant_id, ledger_index, run_id, token, gen_time)
 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`;
const FIND_SQL = `SELECT tenant_id, ledger_index, run_id, token, gen_time FROM aos_seal_timestamps
 WHERE tenant_id = $1 AND ledger_index = $2`;
const STAMPED_SQL = 'SELECT ledger_index FROM aos_seal_timestamps WHERE tenant_id = $1';

const UNSTAMPED_SQL = `SELECT s.tenant_id, s.run_id, s.ledger_index FROM aos_run_seals s
 LEFT JOIN aos_seal_timestamps t ON t.tenant_id = s.tenant_id AND t.ledger_index = s.ledger_index
 WHERE t.tenant_id IS NULL AND ($1::text IS NULL OR s.tenant_id = $1) ORDER BY s.tenant_id, s.ledger_index`;

type Row = { tenant_id: string; ledger_index: string; run_id: string; token: string; gen_time: string };

/** The seals' time stamp tokens, in Postgres. */
export const postgresSealTimestamps = (pool: pg.Pool, sweepPool: pg.Pool = pool): SealTimestamps => ({
  save: (entry) =>
    databaseQuery(async () => {
      await tenantQuery(pool, entry.tenant_id, SAVE_SQL, [
        entry.tenant_id,
        entry.ledger_index,
        entry.run_id,
        entry.token,
        entry.gen_time,
      ]);
    }),
  find: (tenantId, ledgerIndex) =>
    databaseQuery(async () => {
      const row = (await tenantQuery<Row>(pool, tenantId, FIND_SQL, [tenantId, ledgerIndex])).rows[0];
      return row === undefined ? null : { ...row, ledger_index: Number(row.ledger_index) };
    }),
  stamped: (tenantId) =>
    databaseQuery(async () => {
      const rows = (await tenantQuery<{ ledger_index: string }>(pool, tenantId, STAMPED_SQL, [tenantId]))
        .rows;
      return new Set(rows.map((r) => Number(r.ledger_index)));
    }),
  unstamped: (tenantId) =>
    databaseQuery(async () => {
      const rows = (
        tenantId === null
          ? await sweepPool.query<Omit<Row, 'token' | 'gen_time'>>(UNSTAMPED_SQL, [tenantId])
          : await tenantQuery<Omit<Row, 'token' | 'gen_time'>>(pool, tenantId, UNSTAMPED_SQL, [tenantId])
      ).rows;
      return rows.map((r) => ({ ...r, ledger_index: Number(r.ledger_index) }));
    }),
});
