import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, EventStoreError } from '../../domain/ports/event-store.js';
import { runStreamId } from '../../domain/stream-names.js';
import { bundleEvent } from '../bundle/bundle-export.js';
import type { BundleEvent } from '../bundle/export-run-bundle.js';

/** At most this many events per read of the live view. */
export const EVENTS_PER_READ = 500;

/** The run's events from `fromSeq` on (at most `limit`), as a bundle holds them (GET
 * /api/runs/{run_id}/live and /events?from=), and whether the run has ended (its RunCompleted,
 * which is appended with its seal, is among them). */
export const runEventsAfter = async (
  store: EventStore,
  tenantId: string,
  runId: string,
  fromSeq: number,
  limit: number = EVENTS_PER_READ,
): Promise<E.Either<EventStoreError, { readonly events: BundleEvent[]; readonly ended: boolean }>> => {
  const read = await store.readStreamFrom(
    tenantId,
    runStreamId(runId),
    fromSeq,
    Math.min(limit, EVENTS_PER_READ),
  )();
  if (E.isLeft(read)) return read;
  const events = read.right.map(bundleEvent);
  return E.right({ events, ended: events.some((e) => e.type === 'RunCompleted') });
};

/** Events per read of a streamed bundle: each read is one short query, no connection is held while
 * the reader (a browser on a slow link) takes the text. */
const EVENTS_PER_PAGE = 2_000;

/** The run's first `count` events as a bundle holds them (the events its verdict was made on), a
 * page at a time; returns the error that stopped the read, or null. */
export async function* runEventPages(
  store: EventStore,
  tenantId: string,
  runId: string,
  count: number,
): AsyncGenerator<BundleEvent[], EventStoreError | null> {
  for (let from = 0; from < count;) {
    const limit = Math.min(EVENTS_PER_PAGE, count - from);
    const read = await store.readStreamFrom(tenantId, runStreamId(runId), from, limit)();
    if (E.isLeft(read)) return read.left;
    if (read.right.length === 0) return null;
    yield read.right.map(bundleEvent);
    from = read.right[read.right.length - 1]!.seq + 1;
  }
  return null;
}
