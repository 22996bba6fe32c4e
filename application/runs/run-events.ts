import type { EventStore, EventStoreError, StoredEvent } from '../../domain/ports/event-store.js';
import { runStreamId } from '../../domain/stream-names.js';

/** The run's events one at a time (the store reads them a page at a time as they are consumed).
 * Returns null after the last event, or the error that stopped the read. */
export async function* runEvents(
  store: EventStore,
  tenantId: string,
  runId: string,
): AsyncGenerator<StoredEvent, EventStoreError | null> {
  const pages = store.readStreamPages(tenantId, runStreamId(runId));
  try {
    for (;;) {
      const next = await pages.next();
      if (next.done) return next.value;
      yield* next.value;
    }
  } finally {
    await pages.return(null);
  }
}
