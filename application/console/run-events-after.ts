import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, EventStoreError } from '../../domain/ports/event-store.js';
import { runStreamId } from '../../domain/stream-names.js';
import { bundleEvent } from '../bundle/bundle-export.js';
import type { BundleEvent } from '../bundle/export-run-bundle.js';

/** At most this many events per read of the live view. */
const BATCH = 500;

/** The run's events from `fromSeq` on, as a bundle holds them (GET /api/runs/{run_id}/live), and
 * whether the run has ended (its RunCompleted, which is appended with its seal, is among them). */
export const runEventsAfter = async (
  store: EventStore,
  tenantId: string,
  runId: string,
  fromSeq: number,
): Promise<E.Either<EventStoreError, { readonly events: BundleEvent[]; readonly ended: boolean }>> => {
  const read = await store.readStreamFrom(tenantId, runStreamId(runId), fromSeq, BATCH)();
  if (E.isLeft(read)) return read;
  const events = read.right.map(bundleEvent);
  return E.right({ events, ended: events.some((e) => e.type === 'RunCompleted') });
};
