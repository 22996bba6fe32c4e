import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type pg from 'pg';
import type { ProjectionBatch } from '../../../application/ports/read-model.js';
import { comparePositions, type EventStore, type GlobalPosition } from '../../../domain/ports/event-store.js';
import { catchUpProjections } from './catch-up-pass.js';

const describe = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/** A batch applier on the existing projector (`catchUpProjections`): one Postgres transaction
 * locks the checkpoint, applies the events after it and moves it (compare-and-swap) with the
 * rows. The projector reads through `readAll`; the batch answers reads that start at or after
 * `batch.after`, and a read from further back (the checkpoint is behind the subscription, e.g.
 * moved back under the feed) goes to the store itself. Events at or before the checkpoint (another
 * projector applied them) are skipped by the projector, so nothing is applied twice. */
export const projectorApplier =
  (
    pool: pg.Pool,
    store: EventStore,
    options: { readonly batchSize?: number } = {},
  ): ((batch: ProjectionBatch) => Promise<GlobalPosition>) =>
  async (batch) => {
    const batchStore: EventStore = {
      appendToStream: (tenantId, streamId, expectedVersion, events) =>
        store.appendToStream(tenantId, streamId, expectedVersion, events),
      appendToStreams: (parts) => store.appendToStreams(parts),
      readStream: (tenantId, streamId) => store.readStream(tenantId, streamId),
      readStreamFrom: (tenantId, streamId, fromSeq, limit) =>
        store.readStreamFrom(tenantId, streamId, fromSeq, limit),
      readStreamPages: (tenantId, streamId) => store.readStreamPages(tenantId, streamId),
      streamVersion: (tenantId, streamId) => store.streamVersion(tenantId, streamId),
      readAll: (after, limit) =>
        comparePositions(after, batch.after) >= 0
          ? TE.right(
              batch.events.filter((e) => comparePositions(e.globalPosition, after) > 0).slice(0, limit),
            )
          : store.readAll(after, limit),
    };
    // One pass (one transaction) normally; more only when the checkpoint was behind the batch and
    // a pass stopped after the store's part.
    const target = batch.events.at(-1)?.globalPosition ?? batch.after;
    for (;;) {
      const result = await catchUpProjections(pool, batchStore, options);
      if (E.isLeft(result)) throw new Error(`projecting a batch failed: ${describe(result.left)}`);
      if (comparePositions(result.right.position, target) >= 0 || result.right.applied === 0)
        return result.right.position;
    }
  };
