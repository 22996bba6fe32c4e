import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import {
  comparePositions,
  storedEventText,
  type AppendResult,
  type EventStore,
  type EventStoreError,
  type GlobalPosition,
  type StoredEvent,
  type StreamAppend,
} from '../../../domain/ports/event-store.js';

/** An event store in memory, for the application's unit tests only (never a shipped path): the
 * same port and the same contract suite as Postgres. Each append (of one stream or several) is one
 * "transaction", so the global order is the append order. */
export const inMemoryEventStore = (): EventStore & { readonly events: readonly StoredEvent[] } => {
  const events: StoredEvent[] = [];
  const streams = new Map<string, StoredEvent[]>();
  let transaction = 0n;
  const streamOf = (tenantId: string, streamId: string): StoredEvent[] =>
    (streams.get(streamId) ?? []).filter((e) => e.tenant_id === tenantId);
  const read = (tenantId: string, streamId: string, fromSeq: number, limit: number) =>
    streamOf(tenantId, streamId)
      .filter((e) => e.seq >= fromSeq)
      .slice(0, limit);
  /** Every part checked against the streams as the parts before it leave them, then all stored,
   * or none when one is refused. */
  const appendAll = (parts: readonly StreamAppend[]): E.Either<EventStoreError, AppendResult[]> => {
    if (parts.length === 0) return E.left({ kind: 'store_failed', message: 'append with no streams' });
    const staged = new Map<string, StoredEvent[]>();
    const results: AppendResult[] = [];
    const appended: StoredEvent[] = [];
    let position = events.length;
    for (const { tenantId, streamId, expectedVersion, events: newEvents } of parts) {
      if (newEvents.length === 0)
        return E.left({ kind: 'store_failed', message: `append to ${streamId} with no events` });
      const stream = staged.get(streamId) ?? streams.get(streamId) ?? [];
      if (stream.some((e) => e.tenant_id !== tenantId))
        return E.left({ kind: 'stream_tenant_mismatch', streamId });
      if (stream.length !== expectedVersion)
        return E.left({
          kind: 'version_conflict',
          streamId,
          expected: expectedVersion,
          actual: stream.length,
        });
      const stored = newEvents.map((event, i): StoredEvent => ({
        stream_id: streamId,
        tenant_id: tenantId,
        seq: expectedVersion + i,
        type: event.type,
        data: JSON.parse(event.dataCanonical) as unknown,
        dataCanonical: event.dataCanonical,
        recorded_at: event.recorded_at,
        link: event.link,
        globalPosition: { transactionId: transaction + 1n, position: BigInt(position + i + 1) },
      }));
      position += stored.length;
      appended.push(...stored);
      staged.set(streamId, [...stream, ...stored]);
      results.push({
        nextExpectedVersion: expectedVersion + stored.length,
        lastPosition: stored[stored.length - 1]!.globalPosition,
      });
    }
    transaction += 1n;
    for (const [streamId, stream] of staged) streams.set(streamId, stream);
    events.push(...appended);
    return E.right(results);
  };
  return {
    events,
    appendToStream: (tenantId, streamId, expectedVersion, newEvents) => async () =>
      E.map((results: AppendResult[]) => results[0]!)(
        appendAll([{ tenantId, streamId, expectedVersion, events: newEvents }]),
      ),
    appendToStreams: (parts) => async () =>
      E.mapLeft((error: EventStoreError) => ({ error, landed: [] }))(appendAll(parts)),
    readStream: (tenantId, streamId) => TE.right(streamOf(tenantId, streamId)),
    readStreamFrom: (tenantId, streamId, fromSeq, limit) =>
      TE.right(read(tenantId, streamId, fromSeq, limit)),
    readStreamTextFrom: (tenantId, streamId, fromSeq, limit) =>
      TE.right(read(tenantId, streamId, fromSeq, limit).map(storedEventText)),
    readStreamPages: async function* (tenantId, streamId) {
      const page = 100;
      for (let from = 0; ; from += page) {
        const batch = read(tenantId, streamId, from, page);
        if (batch.length > 0) yield batch;
        if (batch.length < page) return null;
      }
    },
    streamVersion: (tenantId, streamId) => TE.right(streamOf(tenantId, streamId).length),
    readAll: (after: GlobalPosition, limit: number) =>
      TE.right(events.filter((e) => comparePositions(e.globalPosition, after) > 0).slice(0, limit)),
  };
};
