import { tenantQuery } from './tenant-transaction.js';
import type pg from 'pg';
import type { LedgerHeads, StoredLedgerHead } from '../../application/ports/ledger-heads.js';
import { databaseQuery } from './pg-error.js';

type HeadRow = { tenant_id: string; tree_size: string; root_hash: string; note: string; cosigned: boolean };

const SAVE_SQL = `INSERT INTO aos_ledger_heads (tenant_id, tree_size, root_hash, note) VALUES ($1, $2, $3, $4)
 ON CONFLICT DO NOTHING`;
const COSIGNATURE_SQL = `INSERT INTO aos_ledger_cosignatures (tenant_id, tree_size, root_hash, witness, cosignature)
 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`;
const MARK_SQL =
  'UPDATE aos_ledger_heads SET cosigned = true WHERE tenant_id = $1 AND tree_size = $2 AND root_hash = $3';
const FIND_SQL = `SELECT tenant_id, tree_size, root_hash, note, cosigned FROM aos_ledger_heads
 WHERE tenant_id = $1 AND tree_size = $2 AND root_hash = $3`;
const LINES_SQL = `SELECT witness, cosignature FROM aos_ledger_cosignatures
 WHERE tenant_id = $1 AND tree_size = $2 AND root_hash = $3 ORDER BY witness`;
const LAST_SQL = `SELECT coalesce(max(tree_size), 0) AS size FROM aos_ledger_cosignatures
 WHERE tenant_id = $1 AND witness = $2`;
const UNCOSIGNED_SQL = `SELECT tenant_id, tree_size, root_hash, note, cosigned FROM (
   SELECT DISTINCT ON (tenant_id) * FROM aos_ledger_heads
    WHERE $1::text IS NULL OR tenant_id = $1 ORDER BY tenant_id, created_at DESC, tree_size DESC
 ) latest WHERE NOT cosigned ORDER BY tenant_id`;

const withCosignatures = async (pool: pg.Pool, row: HeadRow): Promise<StoredLedgerHead> => {
  const lines = await tenantQuery<{ witness: string; cosignature: string }>(pool, row.tenant_id, LINES_SQL, [
    row.tenant_id,
    row.tree_size,
    row.root_hash,
  ]);
  return {
    tenant_id: row.tenant_id,
    tree_size: Number(row.tree_size),
    root_hash: row.root_hash,
    note: row.note,
    cosigned: row.cosigned,
    cosignatures: new Map(lines.rows.map((r) => [r.witness, r.cosignature])),
  };
};

/** The heads sent to witnesses and their cosignatures, in Postgres. */
export const postgresLedgerHeads = (pool: pg.Pool, sweepPool: pg.Pool = pool): LedgerHeads => ({
  save: (head) =>
    databaseQuery(async () => {
      await tenantQuery(pool, head.tenant_id, SAVE_SQL, [
        head.tenant_id,
        head.tree_size,
        head.root_hash,
        head.note,
      ]);
    }),
  addCosignature: (head, witness, line) =>
    databaseQuery(async () => {
      await tenantQuery(pool, head.tenant_id, COSIGNATURE_SQL, [
        head.tenant_id,
        head.tree_size,
        head.root_hash,
        witness,
        line,
      ]);
    }),
  markCosigned: (head) =>
    databaseQuery(async () => {
      await tenantQuery(pool, head.tenant_id, MARK_SQL, [head.tenant_id, head.tree_size, head.root_hash]);
    }),
  find: (head) =>
    databaseQuery(async () => {
      const found = await tenantQuery<HeadRow>(pool, head.tenant_id, FIND_SQL, [
        head.tenant_id,
        head.tree_size,
        head.root_hash,
      ]);
      const [row] = found.rows;
      return row === undefined ? null : withCosignatures(pool, row);
    }),
  lastCosignedSize: (tenantId, witness) =>
    databaseQuery(async () =>
      Number(
        (await tenantQuery<{ size: string }>(pool, tenantId, LAST_SQL, [tenantId, witness])).rows[0]?.size ??
          0,
      ),
    ),
  uncosigned: (tenantId) =>
    databaseQuery(async () => {
      const rows = (
        tenantId === null
          ? await sweepPool.query<HeadRow>(UNCOSIGNED_SQL, [tenantId])
          : await tenantQuery<HeadRow>(pool, tenantId, UNCOSIGNED_SQL, [tenantId])
      ).rows;
      return Promise.all(rows.map((row) => withCosignatures(pool, row)));
    }),
});
