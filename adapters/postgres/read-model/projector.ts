import * as E from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import { comparePositions, type EventStore, type GlobalPosition } from '../../../domain/ports/event-store.js';
import type { ProjectionError } from '../../../application/ports/read-model.js';
import { decodeForProjection } from '../../../projections/projected-event.js';
import { rowChangesOf } from '../../../projections/run-projection.js';
import { writeRowChanges } from './batched-row-writer.js';
import type { RowChange } from '../../../projections/row-change.js';
import { lockCheckpoint, moveCheckpoint, readCheckpoint } from './projection-checkpoint.js';
import { inProjectorTransaction, type ProjectionResult } from './projector-transaction.js';

const DEFAULT_BATCH = 500;

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
    if (events._tag === 'Left') return E.left({ kind: 'store', error: events.left });
    const changes: RowChange[] = [];
    for (const stored of events.right) {
      const projected = decodeForProjection(stored);
      if (projected._tag === 'Left') return projected;
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
    const moved = await moveCheckpoint(client, from, position);
    if (E.isLeft(moved)) return moved;
  }
  return E.right({ position, applied });
};

/** One catch-up pass in one transaction: rows and checkpoint commit together or not at all.
 * The checkpoint row lock serializes concurrent projectors (CLI processes). */
export const catchUpProjections = (
  pool: pg.Pool,
  store: EventStore,
  options: { readonly batchSize?: number } = {},
): Promise<ProjectionResult> =>
  inProjectorTransaction(pool, async (client) => {
    const from = await lockCheckpoint(client);
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
    if (pass._tag === 'Left') return pass;
    const reached = pass.right.applied > 0 ? pass.right.position : await readCheckpoint(pool);
    if (comparePositions(reached, target) >= 0) return E.right(reached);
    if (Date.now() > deadline) return E.left({ kind: 'projection_timeout', target, reached });
    await pause(Math.min(5 * 2 ** attempt, 200));
  }
};
