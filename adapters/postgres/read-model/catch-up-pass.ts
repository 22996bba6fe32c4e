import * as E from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import type { ProjectionError } from '../../../application/ports/read-model.js';
import { comparePositions, type EventStore, type GlobalPosition } from '../../../domain/ports/event-store.js';
import { lockCheckpoint, readCheckpoint } from './projection-checkpoint.js';
import { inProjectorTransaction, type ProjectionResult } from './projector-transaction.js';
import { feedStorePages } from './store-page-feed.js';

const DEFAULT_BATCH = 500;
const PAGES_PER_PASS = 20;

/** The checkpoint when the store has no event after it (nothing to project), else null; null
 * too when either read fails, so that the transactional pass reports the store's failure as its
 * typed error, as it always has. */
const checkpointIfCurrent = async (pool: pg.Pool, store: EventStore): Promise<GlobalPosition | null> => {
  try {
    const held = await readCheckpoint(pool);
    const next = await store.readAll(held, 1)();
    return E.isRight(next) && next.right.length === 0 ? held : null;
  } catch {
    return null;
  }
};

/** One catch-up pass in one transaction: it locks the checkpoint, reads the store's events after
 * it a page at a time and pushes each page into the batch projector (at most 20 pages); rows and
 * checkpoint commit together or not at all. The checkpoint row lock serializes concurrent
 * projectors (CLI processes). When the store has nothing after the checkpoint (a read command
 * after the writers projected their own events), the pass is two reads on one connection and no
 * transaction: the transaction would hold a connection while the store reads on a second. */
export const catchUpProjections = async (
  pool: pg.Pool,
  store: EventStore,
  options: { readonly batchSize?: number } = {},
): Promise<ProjectionResult> => {
  const held = await checkpointIfCurrent(pool, store);
  if (held !== null) return E.right({ position: held, applied: 0 });
  return inProjectorTransaction(pool, async (client) => {
    const from = await lockCheckpoint(client);
    const fed = await feedStorePages(client, store, from, {
      batchSize: options.batchSize ?? DEFAULT_BATCH,
      maxPages: PAGES_PER_PASS,
    });
    return E.isLeft(fed) ? fed : E.right(fed.right.pass);
  });
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Returns once the projections hold every event up to `target` (a writer's last append). Polls
 * only while an older transaction still holds the global order back. When the checkpoint is already
 * there (a read command after the writer projected its own events), one query and one connection:
 * a pass would take a second connection to read the store. */
export const waitForProjections = async (
  pool: pg.Pool,
  store: EventStore,
  target: GlobalPosition,
  options: { readonly timeoutMs?: number } = {},
): Promise<E.Either<ProjectionError, GlobalPosition>> => {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const held = await readCheckpoint(pool).catch(() => null); // a failure: the pass below reports it
  if (held !== null && comparePositions(held, target) >= 0) return E.right(held);
  for (let attempt = 0; ; attempt++) {
    const pass = await catchUpProjections(pool, store);
    if (E.isLeft(pass)) return pass;
    const reached = pass.right.applied > 0 ? pass.right.position : await readCheckpoint(pool);
    if (comparePositions(reached, target) >= 0) return E.right(reached);
    if (Date.now() > deadline) return E.left({ kind: 'projection_timeout', target, reached });
    await pause(Math.min(5 * 2 ** attempt, 200));
  }
};
