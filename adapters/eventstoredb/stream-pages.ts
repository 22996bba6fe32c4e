import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { EventStoreError, StoredEvent } from '../../domain/ports/event-store.js';

export const STREAM_PAGE = 2000;

/** A stream read page by page through `readFrom` (seq >= from, at most `limit`), the next page
 * requested while the caller works on this one: EventStore#readStreamPages for a store whose reads
 * are pages. */
export async function* pagesOf(
  readFrom: (fromSeq: number, limit: number) => TaskEither<EventStoreError, readonly StoredEvent[]>,
  pageSize = STREAM_PAGE,
): AsyncGenerator<readonly StoredEvent[], EventStoreError | null> {
  let next = readFrom(0, pageSize)();
  for (;;) {
    const read = await next;
    if (read._tag === 'Left') return read.left;
    const events = read.right;
    const last = events[events.length - 1];
    const full = events.length === pageSize && last !== undefined;
    if (full) next = readFrom(last.seq + 1, pageSize)();
    if (events.length > 0) yield events;
    if (!full) return null;
  }
}
