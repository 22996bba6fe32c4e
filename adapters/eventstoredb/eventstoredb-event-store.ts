import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import {
  comparePositions,
  type AppendResult,
  type EventStore,
  type EventStoreError,
  type GlobalPosition,
  type NewEvent,
  type StoredEvent,
} from '../../domain/ports/event-store.js';
import type { FeedSubscription } from './catch-up-feed.js';
import {
  classifyFailure,
  connectEsdb,
  type EsdbConnection,
  type EsdbFailure,
  type RawNewEvent,
} from './esdb-client.js';
import {
  decodeMetadata,
  encodeMetadata,
  esdbStreamName,
  eventIdOf,
  expectedRevisionOf,
  fromGlobalPosition,
  isProductStreamId,
  isValidVersion,
  payloadBytes,
  productStreamPrefixes,
  streamIdOf,
  toGlobalPosition,
  toStoredEvent,
  usablePosition,
  validateNamespace,
  versionOfRevision,
  type MappingError,
  type RawEvent,
} from './eventstoredb-mapping.js';

export type EventStoreDbOptions = {
  /** Put before every stream name (see `validateNamespace`); default none. */
  readonly namespace?: string;
  /** Attempts of an append whose outcome is unknown (server unavailable); default 3. Safe:
   * the retry carries the same event ids, and EventStoreDB accepts it without writing twice. */
  readonly appendAttempts?: number;
  readonly retryDelayMs?: number;
};

/** The store, the subscription feeding projectors, and the connection's end. */
export type EventStoreDb = {
  readonly store: EventStore;
  readonly subscribe: (from: GlobalPosition) => FeedSubscription;
  close(): Promise<void>;
};

/** $all records read per round trip by `readAll` (the 6.x client filters reads on the client). */
const SCAN_PAGE = 1000;
const STREAM_PAGE = 2000;

class StoreFailure extends Error {
  constructor(readonly error: EventStoreError) {
    super(error.kind);
  }
}

const fail = (error: EventStoreError): never => {
  throw new StoreFailure(error);
};

const storeErrorOf = (failure: EsdbFailure): EventStoreError =>
  failure.kind === 'unavailable'
    ? { kind: 'store_unavailable', message: failure.message }
    : {
        kind: 'store_failed',
        message: failure.kind === 'failed' ? failure.message : 'unexpected wrong expected version',
      };

const mappingFailure = (error: MappingError): Extract<EventStoreError, { kind: 'store_failed' }> => ({
  kind: 'store_failed',
  message: `event ${error.revision} of ${error.streamName}: ${error.message}`,
});

const task =
  <T>(work: () => Promise<T>): TaskEither<EventStoreError, T> =>
  async () => {
    try {
      return E.right(await work());
    } catch (error) {
      return E.left(error instanceof StoreFailure ? error.error : storeErrorOf(classifyFailure(error)));
    }
  };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The event store port on EventStoreDB / KurrentDB. One EventStoreDB stream per port stream,
 * named by the stream id (tenant-free, like the port's ids; a stream belongs to the tenant of its
 * first event); tenant, recorded_at and chain link in each event's metadata; the payload stored
 * as its exact canonical bytes (a binary event). */
export const eventStoreDbEventStore = (
  connection: EsdbConnection,
  options: EventStoreDbOptions = {},
): EventStore => {
  const namespace = E.getOrElse((message: string): string => {
    throw new Error(message);
  })(validateNamespace(options.namespace ?? ''));
  const attempts = Math.max(1, options.appendAttempts ?? 3);
  const retryDelayMs = options.retryDelayMs ?? 200;
  const nameOf = (streamId: string) => esdbStreamName(namespace, streamId);
  const stored = (raw: RawEvent): StoredEvent =>
    E.getOrElse((error: MappingError): StoredEvent => fail(mappingFailure(error)))(
      toStoredEvent(namespace, raw),
    );

  /** The stream's version and owner, from its last event; null when it does not exist. */
  const headOf = async (
    streamName: string,
  ): Promise<{ readonly version: number; readonly tenantId: string } | null> => {
    const last = await connection.readLast(streamName);
    if (last === null) return null;
    const metadata = decodeMetadata(last);
    if (E.isLeft(metadata)) return fail(mappingFailure(metadata.left));
    // Checked here, before anything is written: appends report the $all position of their last event.
    if (!usablePosition(last.position))
      return fail({
        kind: 'store_failed',
        message: 'the server reports no positions on stream reads (EventStoreDB 22.10 or later is required)',
      });
    return { version: versionOfRevision(last.revision), tenantId: metadata.right.tenant_id };
  };

  const conflict = (streamId: string, expected: number, actual: number): EventStoreError => ({
    kind: 'version_conflict',
    streamId,
    expected,
    actual,
  });

  // The owner check and the append are two calls, made safe by the expected revision: the append
  // only lands if the stream is still where (and whose) the check saw it. A missing stream is only
  // written at NO_STREAM, so another tenant's stream created in between is never appended to.
  // A retry (the previous attempt's outcome is unknown) sends the same append even if the stream
  // has moved: EventStoreDB accepts it as a duplicate if those events are ours, else refuses it.
  const appendOnce = async (
    tenantId: string,
    streamId: string,
    expectedVersion: number,
    events: readonly NewEvent[],
    retry: boolean,
  ): Promise<AppendResult> => {
    const name = nameOf(streamId);
    const head = await headOf(name);
    if (head !== null && head.tenantId !== tenantId)
      return fail({ kind: 'stream_tenant_mismatch', streamId });
    const version = head?.version ?? 0;
    if (version !== expectedVersion && (!retry || head === null))
      return fail(conflict(streamId, expectedVersion, version));
    const raw: RawNewEvent[] = events.map((event, i) => ({
      id: eventIdOf(tenantId, streamId, expectedVersion + i, event),
      type: event.type,
      data: payloadBytes(event),
      metadata: encodeMetadata(tenantId, event),
    }));
    try {
      await connection.append(name, raw, expectedRevisionOf(expectedVersion));
    } catch (error) {
      const failure = classifyFailure(error);
      if (failure.kind === 'wrong_expected_version')
        return fail(conflict(streamId, expectedVersion, versionOfRevision(failure.current)));
      throw error;
    }
    // The position of the last event as $all reports it: read back, so that it compares equal to
    // what readAll hands the projector (the append response's position need not be the event's).
    const lastRevision = BigInt(expectedVersion + events.length - 1);
    let last: RawEvent | null = null;
    for await (const event of connection.readStream(name, lastRevision, 1)) last = event;
    if (last === null || last.id.toLowerCase() !== raw[raw.length - 1]!.id) {
      return fail({
        kind: 'store_failed',
        message: `the events appended to ${streamId} are not at revision ${lastRevision}`,
      });
    }
    return {
      nextExpectedVersion: expectedVersion + events.length,
      lastPosition: stored(last).globalPosition,
    };
  };

  const append =
    (
      tenantId: string,
      streamId: string,
      expectedVersion: number,
      events: readonly NewEvent[],
    ): TaskEither<EventStoreError, AppendResult> =>
    async () => {
      if (events.length === 0)
        return E.left({ kind: 'store_failed', message: `append to ${streamId} with no events` });
      if (!isProductStreamId(streamId))
        return E.left({
          kind: 'store_failed',
          message: `stream id ${streamId} is outside the product's streams (aos-...)`,
        });
      if (!isValidVersion(expectedVersion))
        return E.left({ kind: 'store_failed', message: `invalid expected version ${expectedVersion}` });
      for (let attempt = 1; ; attempt++) {
        const result = await task(() =>
          appendOnce(tenantId, streamId, expectedVersion, events, attempt > 1),
        )();
        if (E.isRight(result) || result.left.kind !== 'store_unavailable' || attempt >= attempts)
          return result;
        await sleep(retryDelayMs * attempt);
      }
    };

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

  return {
    appendToStream: append,
    readStream: (tenantId, streamId) => readFrom(tenantId, streamId, 0, Number.MAX_SAFE_INTEGER),
    readStreamFrom: (tenantId, streamId, fromSeq, limit) =>
      isValidVersion(fromSeq) && Number.isSafeInteger(limit)
        ? readFrom(tenantId, streamId, fromSeq, limit)
        : async () =>
            E.left({ kind: 'store_failed', message: `invalid page (from ${fromSeq}, limit ${limit})` }),
    readStreamPages: streamPages,
    streamVersion: (tenantId, streamId) =>
      task(async () => {
        const head = await headOf(nameOf(streamId));
        return head === null || head.tenantId !== tenantId ? 0 : head.version;
      }),
    readAll,
  };
};

/** The product's events after `from` (exclusive) as a live subscription, filtered on the server. */
const subscriber =
  (connection: EsdbConnection, namespace: string) =>
  (from: GlobalPosition): FeedSubscription => {
    const raw = connection.subscribeAll(fromGlobalPosition(from), productStreamPrefixes(namespace));
    return {
      async *[Symbol.asyncIterator]() {
        for await (const event of raw) {
          const mapped = toStoredEvent(namespace, event);
          if (E.isLeft(mapped)) throw new Error(`unreadable ${mappingFailure(mapped.left).message}`);
          yield mapped.right;
        }
      },
      buffered: () => raw.buffered(),
      close: () => raw.close(),
    };
  };

/** Opens the store on a connection string (`esdb://host:2113?tls=false`,
 * `esdb+discover://a,b,c:2113`); the connection is made on first use. Throws on a malformed
 * string, with a message that does not repeat it (it may hold credentials). */
export const openEventStoreDb = (
  connectionString: string,
  options: EventStoreDbOptions = {},
): EventStoreDb => {
  let connection: EsdbConnection;
  try {
    connection = connectEsdb(connectionString);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('throwOnAppendFailure')) throw error;
    throw new Error(
      'not a valid EventStoreDB connection string (expected esdb://host:2113?tls=false or esdb+discover://node1,node2,node3:2113)',
    );
  }
  const store = eventStoreDbEventStore(connection, options);
  return {
    store,
    subscribe: subscriber(connection, options.namespace ?? ''),
    close: () => connection.close(),
  };
};
