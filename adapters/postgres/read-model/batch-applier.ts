import * as E from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import type { ProjectionBatch } from '../../../application/ports/read-model.js';
import { comparePositions, type EventStore, type GlobalPosition } from '../../../domain/ports/event-store.js';
import { projectEventBatch } from './event-batch-projector.js';
import { lockCheckpoint } from './projection-checkpoint.js';
import { inProjectorTransaction, type ProjectionResult } from './projector-transaction.js';
import { feedStorePages } from './store-page-feed.js';

const DEFAULT_BATCH = 500;
const PAGES_PER_PASS = 20;

const describe = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/** One pass in one transaction: locks the checkpoint; when it is behind `batch.after` (e.g. moved
 * back under the feed), first reads the missing events from the store and pushes them page by
 * page (a short page ends the pass, as a catch-up pass ends); then pushes the batch's events after
 * the position reached, `batchSize` at a time, at most 20 pushes in all. */
const applyPass = async (
  client: pg.ClientBase,
  store: EventStore,
  batch: ProjectionBatch,
  batchSize: number,
): Promise<ProjectionResult> => {
  const from = await lockCheckpoint(client);
  const gap =
    comparePositions(from, batch.after) < 0
      ? await feedStorePages(client, store, from, { batchSize, maxPages: PAGES_PER_PASS, until: batch.after })
      : E.right({ pass: { position: from, applied: 0 }, pages: 0, exhausted: false });
  if (E.isLeft(gap)) return gap;
  let { position, applied } = gap.right.pass;
  if (gap.right.exhausted || comparePositions(position, batch.after) < 0)
    return E.right({ position, applied });
  const events = batch.events.filter((e) => comparePositions(e.globalPosition, position) > 0);
  let pages = gap.right.pages;
  for (let start = 0; start < events.length && pages < PAGES_PER_PASS; start += batchSize, pages += 1) {
    const pushed = await projectEventBatch(client, position, events.slice(start, start + batchSize));
    if (E.isLeft(pushed)) return pushed;
    ({ position } = pushed.right);
    applied += pushed.right.applied;
  }
  return E.right({ position, applied });
};

/** The read model's `applyBatch`: the pushed batch fed to the batch projector (`projectEventBatch`),
 * in one Postgres transaction that locks the checkpoint, applies the events after it and moves it
 * (compare-and-swap) with the rows. Events at or before the checkpoint (another projector applied
 * them) are skipped, so nothing is applied twice; when the checkpoint is behind the batch, the
 * events between are read from the store first. More passes (transactions) only when one could
 * not reach the batch's last event: after the store's part, or past 20 pushes. */
export const projectorApplier =
  (
    pool: pg.Pool,
    store: EventStore,
    options: { readonly batchSize?: number } = {},
  ): ((batch: ProjectionBatch) => Promise<GlobalPosition>) =>
  async (batch) => {
    const batchSize = options.batchSize ?? DEFAULT_BATCH;
    const target = batch.events.at(-1)?.globalPosition ?? batch.after;
    for (;;) {
      const result = await inProjectorTransaction(pool, (client) =>
        applyPass(client, store, batch, batchSize),
      );
      if (E.isLeft(result)) throw new Error(`projecting a batch failed: ${describe(result.left)}`);
      if (comparePositions(result.right.position, target) >= 0 || result.right.applied === 0)
        return result.right.position;
    }
  };
