import * as TE from 'fp-ts/lib/TaskEither.js';
import type pg from 'pg';
import type { ExportCheckpointKey, ExportCheckpoints } from '../../application/ports/export-checkpoints.js';
import { storeErrorOf } from './pg-error.js';

const READ_SQL = `SELECT transaction_id::text AS transaction_id, global_position::text AS global_position
  FROM aos_otel_export_checkpoints WHERE endpoint = $1 AND tenant_filter = $2`;

const WRITE_SQL = `INSERT INTO aos_otel_export_checkpoints
  (endpoint, tenant_filter, transaction_id, global_position, updated_at)
VALUES ($1, $2, $3::text::xid8, $4::bigint, $5)
ON CONFLICT (endpoint, tenant_filter) DO UPDATE
  SET transaction_id = EXCLUDED.transaction_id, global_position = EXCLUDED.global_position,
      updated_at = EXCLUDED.updated_at`;

/** All tenants: '' (a tenant id is never empty). */
const filterOf = (key: ExportCheckpointKey): string => key.tenant_id ?? '';

/** The checkpoints of `otel export --follow` in `aos_otel_export_checkpoints` (migration 0009). */
export const postgresExportCheckpoints = (pool: pg.Pool): ExportCheckpoints => ({
  read: (key) =>
    TE.tryCatch(async () => {
      const row = (
        await pool.query<{ transaction_id: string; global_position: string }>(READ_SQL, [
          key.endpoint,
          filterOf(key),
        ])
      ).rows[0];
      return row === undefined
        ? null
        : { transactionId: BigInt(row.transaction_id), position: BigInt(row.global_position) };
    }, storeErrorOf),
  write: (key, position, at) =>
    TE.tryCatch(async () => {
      await pool.query(WRITE_SQL, [
        key.endpoint,
        filterOf(key),
        position.transactionId.toString(),
        position.position.toString(),
        at,
      ]);
    }, storeErrorOf),
});
