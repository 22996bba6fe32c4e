import * as E from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import type { ProjectionError, ProjectionPass } from '../../../application/ports/read-model.js';
import { comparePositions, type EventStore, type GlobalPosition } from '../../../domain/ports/event-store.js';
import { projectEventBatch } from './event-batch-projector.js';

/** How far a feed of the store's pages went: the pass, the pages pushed, and whether the last
 * page was short (the store held nothing more then). */
export type StorePageFeed = {
  readonly pass: ProjectionPass;
  readonly pages: number;
  readonly exhausted: boolean;
};

export type StorePageFeedOptions = {
  readonly batchSize: number;
  /** At most this many pages (reads) in this feed. */
  readonly maxPages?: number;
  /** Stops before a read once the position is at or after this one. */
  readonly until?: GlobalPosition;
  /** Told how many events were applied so far, after each page. */
  readonly onPage?: (applied: number) => void;
};

/** Inside a projector transaction that locked the checkpoint at `from`: reads the store's events
 * after the position reached, a page at a time (`readAll(position, batchSize)`), and pushes each
 * page into the batch projector, until a page is short, `maxPages` pages are read or the position
 * reaches `until`. */
export const feedStorePages = async (
  client: pg.ClientBase,
  store: EventStore,
  from: GlobalPosition,
  options: StorePageFeedOptions,
): Promise<E.Either<ProjectionError, StorePageFeed>> => {
  let pass: ProjectionPass = { position: from, applied: 0 };
  let pages = 0;
  while (pages < (options.maxPages ?? Number.POSITIVE_INFINITY)) {
    if (options.until && comparePositions(pass.position, options.until) >= 0) break;
    const page = await store.readAll(pass.position, options.batchSize)();
    if (E.isLeft(page)) return E.left({ kind: 'store', error: page.left });
    pages += 1;
    const pushed = await projectEventBatch(client, pass.position, page.right);
    if (E.isLeft(pushed)) return pushed;
    pass = { position: pushed.right.position, applied: pass.applied + pushed.right.applied };
    options.onPage?.(pass.applied);
    if (page.right.length < options.batchSize) return E.right({ pass, pages, exhausted: true });
  }
  return E.right({ pass, pages, exhausted: false });
};
