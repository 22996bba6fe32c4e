import * as E from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import { START_POSITION, type EventStore, type GlobalPosition } from '../../../domain/ports/event-store.js';
import type { ProjectionError } from '../../../application/ports/read-model.js';
import { projectPendingEvents } from './projector.js';
import { TRACE_PROJECTION } from './projection-checkpoint.js';
import { inProjectorTransaction } from './projector-transaction.js';
import { projectionTables } from '../../../projections/projection-tables.js';

/** Replays every event from position 0 into emptied read tables, in one transaction: readers see
 * the old tables until the new ones commit, and a failure leaves the old ones in place. */
export const rebuildProjections = (
  pool: pg.Pool,
  store: EventStore,
  options: { readonly batchSize?: number } = {},
): Promise<E.Either<ProjectionError, { readonly position: GlobalPosition; readonly applied: number }>> =>
  inProjectorTransaction(pool, async (client) => {
    await client.query('SELECT 1 FROM aos_projection_checkpoints WHERE name = $1 FOR UPDATE', [
      TRACE_PROJECTION,
    ]);
    await client.query(`TRUNCATE ${projectionTables.map((t) => t.name).join(', ')}`);
    await client.query(
      'UPDATE aos_projection_checkpoints SET transaction_id = 0, global_position = 0, updated_at = now() WHERE name = $1',
      [TRACE_PROJECTION],
    );
    return projectPendingEvents(client, store, START_POSITION, { batchSize: 2000, ...options });
  });
