import * as E from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import {
  comparePositions,
  type GlobalPosition,
  type StoredEvent,
} from '../../../domain/ports/event-store.js';
import { decodeForProjection, type UndecodableEvent } from '../../../projections/projected-event.js';
import type { RowChange } from '../../../projections/row-change.js';
import { rowChangesOf } from '../../../projections/run-projection.js';
import { writeRowChanges } from './batched-row-writer.js';
import { moveCheckpoint } from './projection-checkpoint.js';
import type { ProjectionResult } from './projector-transaction.js';

type DecodedBatch = {
  readonly position: GlobalPosition;
  readonly applied: readonly StoredEvent[];
  readonly changes: readonly RowChange[];
};

/** The row changes of the events after `from`, in order (an event at or before the position
 * reached so far is skipped), or the first event that does not decode. */
const decodeAfter = (
  from: GlobalPosition,
  events: readonly StoredEvent[],
): E.Either<UndecodableEvent, DecodedBatch> => {
  let position = from;
  const applied: StoredEvent[] = [];
  const changes: RowChange[] = [];
  for (const stored of events) {
    if (comparePositions(stored.globalPosition, position) <= 0) continue;
    const projected = decodeForProjection(stored);
    if (E.isLeft(projected)) return projected;
    if (projected.right !== null) changes.push(...rowChangesOf(projected.right));
    position = stored.globalPosition;
    applied.push(stored);
  }
  return E.right({ position, applied, changes });
};

const eventsNamed = (events: readonly StoredEvent[]): string => {
  const [first, last] = [events[0], events[events.length - 1]];
  return first && last
    ? `events ${first.stream_id} seq ${first.seq} to ${last.stream_id} seq ${last.seq}`
    : 'a batch';
};

/**
 * The projector: inside a projector transaction (`inProjectorTransaction`) that locked the
 * checkpoint at `from`, applies the given events after `from` (events at or before it are
 * already projected and skipped): decoded, mapped to row changes, written in one batch, and the
 * checkpoint moved by compare-and-swap to the last one, with the rows. Returns the position
 * reached and how many events it applied (`from` and 0 when none was after it). Every feeder
 * pushes into it: a pushed batch (`applyBatch`), the store's pages (catch-up, rebuild).
 */
export const projectEventBatch = async (
  client: pg.ClientBase,
  from: GlobalPosition,
  events: readonly StoredEvent[],
): Promise<ProjectionResult> => {
  const decoded = decodeAfter(from, events);
  if (E.isLeft(decoded)) return decoded;
  const { position, applied, changes } = decoded.right;
  if (applied.length === 0) return E.right({ position: from, applied: 0 });
  try {
    await writeRowChanges(client, changes);
  } catch (error) {
    return E.left({
      kind: 'projection_write_failed',
      message: `projecting ${eventsNamed(applied)}: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  const moved = await moveCheckpoint(client, from, position);
  return E.isLeft(moved) ? moved : E.right({ position, applied: applied.length });
};
