import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import {
  storedEventText,
  type EventStore,
  type GlobalPosition,
  type StoredEvent,
} from '../../domain/ports/event-store.js';
import type { FeedSubscription } from './catch-up-feed.js';
import { connectEsdb, type EsdbConnection } from './esdb-client.js';
import { esdbAppend, esdbAppendInOrder } from './eventstoredb-append.js';
import {
  fromGlobalPosition,
  isValidVersion,
  productStreamPrefixes,
  toStoredEvent,
  validateNamespace,
} from './eventstoredb-mapping.js';
import { esdbReads } from './eventstoredb-reads.js';
import { esdbStreams, mappingFailure, task } from './eventstoredb-streams.js';

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
  const streams = esdbStreams(connection, namespace);
  const { readFrom, streamPages, readAll } = esdbReads(streams);
  const { headOf, nameOf } = streams;
  const appendToStream = esdbAppend(streams, attempts, options.retryDelayMs ?? 200);
  const pageFrom: EventStore['readStreamFrom'] = (tenantId, streamId, fromSeq, limit) =>
    isValidVersion(fromSeq) && Number.isSafeInteger(limit)
      ? readFrom(tenantId, streamId, fromSeq, limit)
      : TE.left({ kind: 'store_failed', message: `invalid page (from ${fromSeq}, limit ${limit})` });
  return {
    appendToStream,
    appendToStreams: esdbAppendInOrder(appendToStream),
    readStream: (tenantId, streamId) => readFrom(tenantId, streamId, 0, Number.MAX_SAFE_INTEGER),
    readStreamFrom: pageFrom,
    readStreamTextFrom: (tenantId, streamId, fromSeq, limit) =>
      TE.map((events: readonly StoredEvent[]) => events.map(storedEventText))(
        pageFrom(tenantId, streamId, fromSeq, limit),
      ),
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
