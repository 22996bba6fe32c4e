import * as E from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import { comparePositions, type EventStore, type GlobalPosition } from '../../../domain/ports/event-store.js';
import type { ProjectionError } from '../../../application/ports/read-model.js';
import { decodeForProjection } from '../../../projections/projected-event.js';
import { rowChangesOf } from '../../../projections/run-projection.js';
import { writeRowChanges } from './batched-row-writer.js';
import type { RowChange } from '../../../projections/row-change.js';

export const TRACE_PROJECTION = 'trace_tables';
const DEFAULT_BATCH = 500;

type CheckpointRow = { transaction_id: string; global_position: string };

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
  return row
    ? { transactionId: BigInt(row.transaction_id), position: BigInt(row.global_position) }
    : { transactionId: 0n, position: 0n };
};

/** Inside an open transaction that set aos.projector: applies events after the locked checkpoint,
 * batch by batch, and moves the checkpoint (compare-and-swap) with the rows. */
export const projectPendingEvents = async (
  client: pg.ClientBase,
  store: EventStore,
  from: GlobalPosition,
  options: { readonly batchSize?: number; readonly maxBatches?: number } = {},
): Promise<E.Either<ProjectionError, { readonly position: GlobalPosition; readonly applied: number }>> => {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  let position = from;
  let applied = 0;
  for (let batch = 0; batch < (options.maxBatches ?? Number.POSITIVE_INFINITY); batch++) {
    const events = await store.readAll(position, batchSize)();
    if (E.isLeft(events)) return E.left({ kind: 'store', error: events.left });
    const changes: RowChange[] = [];
    for (const stored of events.right) {
      const projected = decodeForProjection(stored);
      if (E.isLeft(projected)) return projected;
      if (projected.right !== null) changes.push(...rowChangesOf(projected.right));
      position = stored.globalPosition;
      applied += 1;
    }
    try {
      await writeRowChanges(client, changes);
    } catch (error) {
      const [first, last] = [events.right[0], events.right[events.right.length - 1]];
      const at =
        first && last
          ? `events ${first.stream_id} seq ${first.seq} to ${last.stream_id} seq ${last.seq}`
          : 'a batch';
      return E.left({
        kind: 'projection_write_failed',
        message: `projecting ${at}: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
    if (events.right.length < batchSize) break;
  }
  if (applied > 0) {
    const stored = await client.query(STORE_CHECKPOINT, [
      TRACE_PROJECTION,
      position.transactionId.toString(),
      position.position.toString(),
      from.transactionId.toString(),
      from.position.toString(),
    ]);
    if (stored.rowCount !== 1)
      return E.left({ kind: 'projection_write_failed', message: 'checkpoint moved under the projector' });
  }
  return E.right({ position, applied });
};

type ProjectionResult = E.Either<
  ProjectionError,
  { readonly position: GlobalPosition; readonly applied: number }
>;

/** Runs `work` in one transaction of a client of the pool that the write guard lets write the read
 * tables (aos.projector): committed when it returns Right, rolled back when it returns Left or
 * throws (a throw becomes projection_write_failed). */
export const inProjectorTransaction = async (
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<ProjectionResult>,
): Promise<ProjectionResult> => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SET LOCAL aos.projector = 'on'");
    const result = await work(client);
    await client.query(E.isRight(result) ? 'COMMIT' : 'ROLLBACK');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    return E.left({
      kind: 'projection_write_failed',
      message: error instanceof Error ? error.message : String(error),
    });
  } finally {
    client.release();
  }
};

/** One catch-up pass in one transaction: rows and checkpoint commit together or not at all.
 * The checkpoint row lock serializes concurrent projectors (CLI processes). */
export const catchUpProjections = (
  pool: pg.Pool,
  store: EventStore,
  options: { readonly batchSize?: number } = {},
): Promise<ProjectionResult> =>
  inProjectorTransaction(pool, async (client) => {
    const { rows } = await client.query<CheckpointRow>(LOCK_CHECKPOINT, [TRACE_PROJECTION]);
    const row = rows[0];
    if (!row) throw new Error(`projection checkpoint ${TRACE_PROJECTION} is missing: run aos-int migrate`);
    const from = { transactionId: BigInt(row.transaction_id), position: BigInt(row.global_position) };
    return projectPendingEvents(client, store, from, { ...options, maxBatches: 20 });
  });

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Returns once the projections hold every event up to `target` (a writer's last append). Polls
 * only while an older transaction still holds the global order back. */
export const waitForProjections = async (
  pool: pg.Pool,
  store: EventStore,
  target: GlobalPosition,
  options: { readonly timeoutMs?: number } = {},
): Promise<E.Either<ProjectionError, GlobalPosition>> => {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (let attempt = 0; ; attempt++) {
    const pass = await catchUpProjections(pool, store);
    if (E.isLeft(pass)) return pass;
    const reached = pass.right.applied > 0 ? pass.right.position : await readCheckpoint(pool);
    if (comparePositions(reached, target) >= 0) return E.right(reached);
    if (Date.now() > deadline) return E.left({ kind: 'projection_timeout', target, reached });
    await pause(Math.min(5 * 2 ** attempt, 200));
  }
};
