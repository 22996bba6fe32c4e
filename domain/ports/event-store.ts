import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { JsonObject } from '../json/json-value.js';

/** An event as the writer hands it to the store. `dataCanonical` is JCS(data): the store keeps
 * these exact bytes and gives them back, so verification hashes what was written. */
export type NewEvent = {
  readonly type: string;
  readonly data: JsonObject;
  readonly dataCanonical: string;
  /** RFC 3339 UTC with exactly three fractional digits and Z (Date#toISOString). */
  readonly recorded_at: string;
  /** Hex link of the RunProof hash chain for run streams; null for streams without a chain. */
  readonly link: string | null;
};

/** Global order of the store: commit order, safe under concurrent writers. Opaque to the domain
 * except for comparison; adapters encode what they need (Postgres: xid8 + position). */
export type GlobalPosition = { readonly transactionId: bigint; readonly position: bigint };

export const START_POSITION: GlobalPosition = { transactionId: 0n, position: 0n };

export const comparePositions = (a: GlobalPosition, b: GlobalPosition): number =>
  a.transactionId !== b.transactionId
    ? a.transactionId < b.transactionId
      ? -1
      : 1
    : a.position === b.position
      ? 0
      : a.position < b.position
        ? -1
        : 1;

export type StoredEvent = {
  readonly stream_id: string;
  readonly tenant_id: string;
  /** 0-based position of the event in its stream. */
  readonly seq: number;
  readonly type: string;
  /** The payload as parsed from the stored canonical bytes (not yet decoded by a codec). */
  readonly data: unknown;
  /** The exact stored bytes of the payload, as text. */
  readonly dataCanonical: string;
  readonly recorded_at: string;
  readonly link: string | null;
  readonly globalPosition: GlobalPosition;
};

/** A stored event with its data as the stored text only, not parsed: for a reader that passes the
 * stored bytes on as they are. */
export type StoredEventText = Omit<StoredEvent, 'data' | 'globalPosition'>;

/** The event without its parsed data and its position. */
export const storedEventText = ({
  data: _data,
  globalPosition: _at,
  ...text
}: StoredEvent): StoredEventText => text;

export type AppendResult = {
  /** Stream version after the append: the seq of the last appended event + 1. */
  readonly nextExpectedVersion: number;
  readonly lastPosition: GlobalPosition;
};

export type EventStoreError =
  | {
      readonly kind: 'version_conflict';
      readonly streamId: string;
      readonly expected: number;
      readonly actual: number;
    }
  | { readonly kind: 'stream_tenant_mismatch'; readonly streamId: string }
  | { readonly kind: 'store_unavailable'; readonly message: string }
  | { readonly kind: 'store_failed'; readonly message: string };

/** One stream's part of an append to several streams. */
export type StreamAppend = {
  readonly tenantId: string;
  readonly streamId: string;
  /** The number of events the stream holds now, as in `appendToStream`. */
  readonly expectedVersion: number;
  readonly events: readonly NewEvent[];
};

/** Why an append to several streams failed, and which of its parts had landed when it did. */
export type StreamsAppendFailure = {
  readonly error: EventStoreError;
  /** The results of the parts that landed, in order: always a prefix of the parts, and always
   * empty on a store that appends them in one transaction (Postgres, the in-memory store). A store
   * that cannot (EventStoreDB) appends them one after the other, and a failure there may leave
   * the parts before the one that failed. */
  readonly landed: readonly AppendResult[];
};

/** The event store the domain writes to. Every read is scoped by tenant. */
export interface EventStore {
  /** Appends all events or none. `expectedVersion` is the number of events the stream holds now
   * (0 for a new stream); any other count is a `version_conflict` and nothing is written. */
  appendToStream(
    tenantId: string,
    streamId: string,
    expectedVersion: number,
    events: readonly NewEvent[],
  ): TaskEither<EventStoreError, AppendResult>;

  /** Appends to several streams, each part as `appendToStream` would (its expected version, its
   * tenant), in the order given: all parts or none, in one transaction, where the store has
   * transactions over streams; a version conflict names the stream whose part was refused.
   * Returns each part's result, in order. See `StreamsAppendFailure` for a store without such
   * transactions. */
  appendToStreams(parts: readonly StreamAppend[]): TaskEither<StreamsAppendFailure, readonly AppendResult[]>;

  /** The stream's events in seq order; an empty array when the stream does not exist for this tenant. */
  readStream(tenantId: string, streamId: string): TaskEither<EventStoreError, readonly StoredEvent[]>;

  /** At most `limit` of the stream's events with seq >= `fromSeq`, in seq order: a long stream
   * read page by page in bounded memory. */
  readStreamFrom(
    tenantId: string,
    streamId: string,
    fromSeq: number,
    limit: number,
  ): TaskEither<EventStoreError, readonly StoredEvent[]>;

  /** `readStreamFrom`'s events without their parsed data (each one's stored text only): a page of
   * a long stream passed on as stored (the console's streamed bundle). A store that can check that
   * a text is JSON without parsing it into values does so (Postgres: `data::json`); EventStoreDB's
   * adapter parses as readStreamFrom does. A stored text that is not JSON fails the read. */
  readStreamTextFrom(
    tenantId: string,
    streamId: string,
    fromSeq: number,
    limit: number,
  ): TaskEither<EventStoreError, readonly StoredEventText[]>;

  /** The whole stream in seq order as consecutive pages (none when the stream does not exist for
   * this tenant), read as the caller consumes them: a stream of any length in bounded memory, at
   * the pace the store can send it. Returns null after the last page, or the error that stopped
   * the read. A caller that stops early calls `return()`, which releases what the read holds. */
  readStreamPages(
    tenantId: string,
    streamId: string,
  ): AsyncGenerator<readonly StoredEvent[], EventStoreError | null>;

  /** How many events the stream holds for this tenant (0 when it does not exist): the expected
   * version of the next append, without reading the events. */
  streamVersion(tenantId: string, streamId: string): TaskEither<EventStoreError, number>;

  /** Events of all streams after `after` (exclusive) in commit order, at most `limit` of them.
   * Never returns an event while an earlier-positioned transaction may still commit. */
  readAll(after: GlobalPosition, limit: number): TaskEither<EventStoreError, readonly StoredEvent[]>;
}
