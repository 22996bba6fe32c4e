import * as E from 'fp-ts/lib/Either.js';
import {
  comparePositions,
  type EventStoreError,
  type GlobalPosition,
  type StoredEvent,
} from '../../domain/ports/event-store.js';
import { fromGlobalPosition, streamIdOf, toGlobalPosition, usablePosition } from './eventstoredb-mapping.js';
import { fail, task, type EsdbStreams } from './eventstoredb-streams.js';

/** $all records read per round trip by `readAll` (the 6.x client filters reads on the client). */
const SCAN_PAGE = 1000;
const STREAM_PAGE = 2000;

/** The port's reads on EventStoreDB, each tenant-scoped. */
// eslint-disable-next-line max-lines-per-function -- the port's three reads as closures over one connection's stream context; each is short
export const esdbReads = ({ connection, namespace, nameOf, stored }: EsdbStreams) => {
  const readFrom = (tenantId: string, streamId: string, fromSeq: number, limit: number) =>
    task(async () => {
      const events: StoredEvent[] = [];
      if (limit <= 0) return events;
      for await (const raw of connection.readStream(nameOf(streamId), BigInt(fromSeq), limit)) {
        const event = stored(raw);
        if (event.tenant_id === tenantId) events.push(event);
      }
      return events;
    });

  // One page of a stream for readStreamPages: the tenant's events among the next STREAM_PAGE
  // records, and whether there may be more (counted before the tenant filter, so a page whose
  // last records are another tenant's does not end the read).
  const readPage = (tenantId: string, streamId: string, fromSeq: number) =>
    task(async () => {
      const events: StoredEvent[] = [];
      let seen = 0;
      let next = fromSeq;
      for await (const raw of connection.readStream(nameOf(streamId), BigInt(fromSeq), STREAM_PAGE)) {
        const event = stored(raw);
        seen += 1;
        next = event.seq + 1;
        if (event.tenant_id === tenantId) events.push(event);
      }
      return { events, more: seen === STREAM_PAGE, next };
    });

  // The next page is requested while the caller works on this one.
  async function* streamPages(
    tenantId: string,
    streamId: string,
  ): AsyncGenerator<readonly StoredEvent[], EventStoreError | null> {
    let pending = readPage(tenantId, streamId, 0)();
    for (;;) {
      const read = await pending;
      if (E.isLeft(read)) return read.left;
      const { events, more, next } = read.right;
      if (more) pending = readPage(tenantId, streamId, next)();
      if (events.length > 0) yield events;
      if (!more) return null;
    }
  }

  const readAll = (after: GlobalPosition, limit: number) =>
    task(async () => {
      const events: StoredEvent[] = [];
      if (limit <= 0) return events;
      let from = fromGlobalPosition(after);
      for (;;) {
        let seen = 0;
        let last: GlobalPosition | null = null;
        for await (const raw of connection.readAll(from, SCAN_PAGE)) {
          seen += 1;
          if (!usablePosition(raw.position))
            return fail({
              kind: 'store_failed',
              message: `a $all record of ${raw.streamName} has no position`,
            });
          last = toGlobalPosition(raw.position);
          // The start position is inclusive (and so is each next page's): skip what was handed out.
          if (comparePositions(last, after) <= 0 || streamIdOf(namespace, raw.streamName) === null) continue;
          events.push(stored(raw));
          if (events.length >= limit) return events;
        }
        if (seen < SCAN_PAGE || last === null) return events;
        from = fromGlobalPosition(last);
      }
    });

  return { readFrom, streamPages, readAll };
};
