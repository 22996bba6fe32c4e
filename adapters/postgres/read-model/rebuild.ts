import * as E from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import { START_POSITION, type EventStore } from '../../../domain/ports/event-store.js';
import { projectionTables } from '../../../projections/projection-tables.js';
import { TRACE_PROJECTION } from './projection-checkpoint.js';
import { inProjectorTransaction, type ProjectionResult } from './projector-transaction.js';
import { feedStorePages } from './store-page-feed.js';

const REBUILD_BATCH = 2000;

/** Replays every event from position 0 into emptied read tables, in one transaction: the store's
 * pages are pushed into the batch projector one after the other, and readers see the old tables
 * until the new ones commit; a failure leaves the old ones in place. */
export const rebuildProjections = (
  pool: pg.Pool,
  store: EventStore,
  options: { readonly batchSize?: number; readonly onPage?: (applied: number) => void } = {},
): Promise<ProjectionResult> =>
  inProjectorTransaction(pool, async (client) => {
    await client.query('SELECT 1 FROM aos_projection_checkpoints WHERE name = $1 FOR UPDATE', [
      TRACE_PROJECTION,
    ]);
    await client.query(`TRUNCATE ${projectionTables.map((t) => t.name).join(', ')}`);
    await client.query(
      'UPDATE aos_projection_checkpoints SET transaction_id = 0, global_position = 0, updated_at = now() WHERE name = $1',
      [TRACE_PROJECTION],
    );
    const fed = await feedStorePages(client, store, START_POSITION, {
      batchSize: options.batchSize ?? REBUILD_BATCH,
      ...(options.onPage ? { onPage: options.onPage } : {}),
    });
    return E.isLeft(fed) ? fed : E.right(fed.right.pass);
  });
