import * as E from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import type { GlobalPosition } from '../../../domain/ports/event-store.js';
import type { ProjectionError } from '../../../application/ports/read-model.js';

/** The checkpoint row of the trace tables in aos_projection_checkpoints. */
export const TRACE_PROJECTION = 'trace_tables';

type CheckpointRow = { transaction_id: string; global_position: string };

const positionOf = (row: CheckpointRow): GlobalPosition => ({
  transactionId: BigInt(row.transaction_id),
  position: BigInt(row.global_position),
});

const LOCK_CHECKPOINT =
  'SELECT transaction_id, global_position FROM aos_projection_checkpoints WHERE name = $1 FOR UPDATE';
const STORE_CHECKPOINT = `UPDATE aos_projection_checkpoints SET transaction_id = $2, global_position = $3, updated_at = now()
  WHERE name = $1 AND transaction_id = $4 AND global_position = $5`;

export const readCheckpoint = async (pool: pg.Pool): Promise<GlobalPosition> => {
  const { rows } = await pool.query<CheckpointRow>(
    'SELECT transaction_id, global_position FROM aos_projection_checkpoints WHERE name = $1',
    [TRACE_PROJECTION],
  );
  const row = rows[0];
  return row ? positionOf(row) : { transactionId: 0n, position: 0n };
};

/** Locks the checkpoint row until the transaction ends (concurrent projectors queue here) and
 * returns its position; throws when the row is missing (the database is not migrated). */
export const lockCheckpoint = async (client: pg.ClientBase): Promise<GlobalPosition> => {
  const { rows } = await client.query<CheckpointRow>(LOCK_CHECKPOINT, [TRACE_PROJECTION]);
  const row = rows[0];
  if (!row) throw new Error(`projection checkpoint ${TRACE_PROJECTION} is missing: run aos-int migrate`);
  return positionOf(row);
};

/** Moves the checkpoint from `from` to `to` (compare-and-swap): fails when it is not at `from`. */
export const moveCheckpoint = async (
  client: pg.ClientBase,
  from: GlobalPosition,
  to: GlobalPosition,
): Promise<E.Either<ProjectionError, GlobalPosition>> => {
  const stored = await client.query(STORE_CHECKPOINT, [
    TRACE_PROJECTION,
    to.transactionId.toString(),
    to.position.toString(),
    from.transactionId.toString(),
    from.position.toString(),
  ]);
  return stored.rowCount === 1
    ? E.right(to)
    : E.left({ kind: 'projection_write_failed', message: 'checkpoint moved under the projector' });
};
