import {
  BACKWARDS,
  END,
  ErrorType,
  EventStoreDBClient,
  FORWARDS,
  START,
  binaryEvent,
  isCommandError,
  streamNameFilter,
  WrongExpectedVersionError,
  type AllStreamSubscription,
  type Filter,
  type RecordedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import type { EsdbPosition, ExpectedRevision, RawEvent } from './eventstoredb-mapping.js';

// The only module that imports @eventstore/db-client (succeeded by @kurrent/kurrentdb-client, whose
// API is close): everything else works with the narrow connection below, in its own types.

export type RawNewEvent = {
  readonly id: string;
  readonly type: string;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
};

/** A live catch-up subscription to $all: iterate it with `for await`; it never ends by itself and
 * does not resubscribe after an error (the caller does). */
export type RawSubscription = AsyncIterable<RawEvent> & {
  /** Events already received and not yet taken: 0 means the caller has everything sent so far. */
  buffered(): number;
  close(): Promise<void>;
};

export interface EsdbConnection {
  append(
    streamName: string,
    events: readonly RawNewEvent[],
    expected: ExpectedRevision,
  ): Promise<{ readonly nextExpectedRevision: bigint }>;
  /** The stream's last event, or null when the stream does not exist. */
  readLast(streamName: string): Promise<RawEvent | null>;
  /** Up to `maxCount` events from `fromRevision` on (none when the stream does not exist). */
  readStream(streamName: string, fromRevision: bigint, maxCount: number): AsyncIterable<RawEvent>;
  /** $all forwards from `from` (inclusive), at most `maxCount` records, unfiltered. */
  readAll(from: 'start' | EsdbPosition, maxCount: number): AsyncIterable<RawEvent>;
  /** $all from `from` (exclusive), filtered on the server by stream-name prefixes. */
  subscribeAll(from: 'start' | EsdbPosition, prefixes: readonly string[]): RawSubscription;
  close(): Promise<void>;
}

/** Failures of a call, classified for the port's errors. */
export type EsdbFailure =
  | { readonly kind: 'wrong_expected_version'; readonly current: 'no_stream' | bigint }
  | { readonly kind: 'unavailable'; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string };

const UNAVAILABLE_TYPES: ReadonlySet<string> = new Set([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.CANCELLED,
  ErrorType.NOT_LEADER,
  ErrorType.TIMEOUT,
]);
// gRPC status codes of errors the client passes on unconverted (its server-feature probe does).
const UNAVAILABLE_GRPC_CODES: ReadonlySet<unknown> = new Set([1, 4, 10, 14]);
const UNAVAILABLE_SOCKET_CODES: ReadonlySet<unknown> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EAI_AGAIN',
]);

const messageOf = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)) || 'unknown error';

export const classifyFailure = (error: unknown): EsdbFailure => {
  if (error instanceof WrongExpectedVersionError)
    return { kind: 'wrong_expected_version', current: error.actualVersion };
  const message = messageOf(error);
  if (error instanceof Error && isCommandError(error)) {
    if (UNAVAILABLE_TYPES.has(error.type)) return { kind: 'unavailable', message };
    if (error.type === ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED)
      return { kind: 'failed', message: `${message} (raise the server's MaxAppendSize)` };
    return { kind: 'failed', message: `${error.type}: ${message}` };
  }
  const code =
    typeof error === 'object' && error !== null && 'code' in error
      ? (error as { code: unknown }).code
      : undefined;
  if (
    UNAVAILABLE_GRPC_CODES.has(code) ||
    UNAVAILABLE_SOCKET_CODES.has(code) ||
    /^Failed to discover after/.test(message)
  )
    return { kind: 'unavailable', message };
  return { kind: 'failed', message };
};

/** The client's server-side $all filter for the product's streams. */
export const productFilter = (prefixes: readonly string[]): Filter =>
  streamNameFilter({ prefixes: [...prefixes] });

const toRawEvent = (event: RecordedEvent): RawEvent => ({
  streamName: event.streamId,
  id: event.id,
  revision: event.revision,
  type: event.type,
  data: event.isJson ? null : event.data,
  metadata: event.metadata,
  position: event.position,
});

const isStreamNotFound = (error: unknown): boolean =>
  error instanceof Error && isCommandError(error) && error.type === ErrorType.STREAM_NOT_FOUND;

/** Yields the recorded events of a read and cancels the call if the caller stops early. */
async function* recordedEvents(
  read: StreamingRead<{ event?: RecordedEvent }>,
  missingIsEmpty: boolean,
): AsyncGenerator<RawEvent> {
  let finished = false;
  try {
    for await (const resolved of read) if (resolved.event) yield toRawEvent(resolved.event);
    finished = true;
  } catch (error) {
    finished = true;
    if (!(missingIsEmpty && isStreamNotFound(error))) throw error;
  } finally {
    if (!finished) await read.cancel();
  }
}

/** Events a subscription holds before the server is asked to wait: a projector that is catching
 * up takes them as one batch. */
const SUBSCRIPTION_BUFFER = 1000;

const subscription = (source: AllStreamSubscription): RawSubscription => ({
  async *[Symbol.asyncIterator]() {
    for await (const resolved of source) if (resolved.event) yield toRawEvent(resolved.event);
  },
  buffered: () => source.readableLength,
  close: async () => {
    await source.unsubscribe();
    source.destroy();
  },
});

/** A connection from an `esdb://` or `esdb+discover://` connection string (`?tls=false` for an
 * insecure node). Connects lazily on the first call; throws at once on a malformed string. */
export const connectEsdb = (connectionString: string): EsdbConnection => {
  // Conflicts must arrive as WrongExpectedVersionError (the default); with this option the client
  // reports them as results, and its batch-append path gets their revision wrong.
  if (/[?&]throwOnAppendFailure=false/i.test(connectionString))
    throw new Error('throwOnAppendFailure=false is not supported');
  const client = EventStoreDBClient.connectionString(connectionString);
  return {
    append: async (streamName, events, expected) => {
      const data = events.map((e) =>
        binaryEvent({ id: e.id, type: e.type, data: e.data, metadata: e.metadata }),
      );
      const result = await client.appendToStream(streamName, data, { expectedRevision: expected });
      if (!result.success) throw new Error(`append to ${streamName} was refused`);
      return { nextExpectedRevision: result.nextExpectedRevision };
    },
    readLast: async (streamName) => {
      for await (const event of recordedEvents(
        client.readStream(streamName, { direction: BACKWARDS, fromRevision: END, maxCount: 1 }),
        true,
      ))
        return event;
      return null;
    },
    readStream: (streamName, fromRevision, maxCount) =>
      recordedEvents(client.readStream(streamName, { direction: FORWARDS, fromRevision, maxCount }), true),
    readAll: (from, maxCount) =>
      recordedEvents(
        client.readAll({ direction: FORWARDS, fromPosition: from === 'start' ? START : from, maxCount }),
        false,
      ),
    subscribeAll: (from, prefixes) =>
      subscription(
        client.subscribeToAll(
          { fromPosition: from === 'start' ? START : from, filter: productFilter(prefixes) },
          { highWaterMark: SUBSCRIPTION_BUFFER },
        ),
      ),
    close: () => client.dispose(),
  };
};
