import { PRODUCT_STREAM_PREFIX } from '../../domain/stream-names.js';
import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import {
  comparePositions,
  START_POSITION,
  type GlobalPosition,
  type NewEvent,
  type StoredEvent,
} from '../../domain/ports/event-store.js';

// Pure mapping between the event store port and EventStoreDB's model. Nothing here talks to a
// server or imports the client library, so all of it is unit-tested.

/** Every stream id the product writes starts with this (aos-run-, aos-agent-, aos-ledger-). The
 * adapter refuses to append anywhere else, so that `readAll` (a stream-name prefix filter over
 * $all) sees every event the adapter wrote. */

/** Optional namespace put before every stream name, to keep several deployments (or test runs)
 * apart on one cluster: `<namespace><stream id>`. Empty, or 1-40 letters, digits, '_' or '-'
 * followed by '.', not starting with "aos-" (so that no namespace's streams match another's
 * prefix, the empty namespace included). */
const NAMESPACE_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,39}\.$/;

export const validateNamespace = (namespace: string): E.Either<string, string> =>
  namespace === '' || (NAMESPACE_PATTERN.test(namespace) && !namespace.startsWith(PRODUCT_STREAM_PREFIX))
    ? E.right(namespace)
    : E.left(
        `invalid EventStoreDB stream namespace ${JSON.stringify(namespace)}: expected "" or 1-40 letters, digits, "_" or "-" and a final ".", not starting with "${PRODUCT_STREAM_PREFIX}"`,
      );

export const esdbStreamName = (namespace: string, streamId: string): string => `${namespace}${streamId}`;

/** The port's stream id of an EventStoreDB stream, or null when the stream is not one of ours. */
export const streamIdOf = (namespace: string, streamName: string): string | null =>
  streamName.startsWith(namespace + PRODUCT_STREAM_PREFIX) ? streamName.slice(namespace.length) : null;

/** The stream-name prefixes of the $all filter (server-side for subscriptions, client-side for reads). */
export const productStreamPrefixes = (namespace: string): string[] => [namespace + PRODUCT_STREAM_PREFIX];

export const isProductStreamId = (streamId: string): boolean => streamId.startsWith(PRODUCT_STREAM_PREFIX);

// ---- versions and revisions -------------------------------------------------------------------

/** EventStoreDB revisions are 0-based: a stream holding n events is at revision n-1. */
export type ExpectedRevision = 'no_stream' | bigint;

/** The port's expected version (events in the stream) as the expected revision of an append. */
export const expectedRevisionOf = (expectedVersion: number): ExpectedRevision =>
  expectedVersion === 0 ? 'no_stream' : BigInt(expectedVersion - 1);

/** The stream version (events in the stream) for a current revision. */
export const versionOfRevision = (revision: 'no_stream' | bigint): number =>
  revision === 'no_stream' ? 0 : Number(revision) + 1;

export const isValidVersion = (version: number): boolean => Number.isSafeInteger(version) && version >= 0;

// ---- positions --------------------------------------------------------------------------------

export type EsdbPosition = { readonly commit: bigint; readonly prepare: bigint };

/** What stream reads of servers older than 22.6 (and some reads of the index) report instead of a
 * position: the maximum unsigned 64-bit value. */
const NO_POSITION = 2n ** 64n - 1n;
/** Checkpoints are kept in Postgres bigint columns. */
const MAX_BIGINT = 2n ** 63n - 1n;

export const toGlobalPosition = (position: EsdbPosition): GlobalPosition => ({
  transactionId: position.commit,
  position: position.prepare,
});

/** Where a $all read or subscription starts: the start of the log for the port's START_POSITION. */
export const fromGlobalPosition = (position: GlobalPosition): 'start' | EsdbPosition =>
  comparePositions(position, START_POSITION) === 0
    ? 'start'
    : { commit: position.transactionId, prepare: position.position };

export const usablePosition = (position: EsdbPosition | undefined): position is EsdbPosition =>
  position !== undefined &&
  position.commit !== NO_POSITION &&
  position.commit >= 0n &&
  position.prepare >= 0n &&
  position.commit <= MAX_BIGINT &&
  position.prepare <= MAX_BIGINT;

// ---- metadata ---------------------------------------------------------------------------------

const METADATA_FORMAT = 'aos-event/1';

/** What EventStoreDB has no column for, kept in each event's metadata (JSON). */
const EventMetadataC = t.strict(
  {
    format: t.literal(METADATA_FORMAT),
    tenant_id: t.string,
    recorded_at: t.string,
    link: t.union([t.string, t.null]),
  },
  'AosEventMetadata',
);
export type EventMetadata = t.TypeOf<typeof EventMetadataC>;

export const encodeMetadata = (tenantId: string, event: Pick<NewEvent, 'recorded_at' | 'link'>): Uint8Array =>
  new TextEncoder().encode(
    JSON.stringify(
      EventMetadataC.encode({
        format: METADATA_FORMAT,
        tenant_id: tenantId,
        recorded_at: event.recorded_at,
        link: event.link,
      }),
    ),
  );

/** Why a stored EventStoreDB event cannot be handed out as a port event. */
export type MappingError = {
  readonly kind: 'unmappable_event';
  readonly streamName: string;
  readonly revision: bigint;
  readonly message: string;
};

const unmappable = (
  raw: { readonly streamName: string; readonly revision: bigint },
  message: string,
): MappingError => ({
  kind: 'unmappable_event',
  streamName: raw.streamName,
  revision: raw.revision,
  message,
});

/** The client hands metadata back parsed when it is JSON, as bytes otherwise. */
export const decodeMetadata = (raw: {
  readonly streamName: string;
  readonly revision: bigint;
  readonly metadata: unknown;
}): E.Either<MappingError, EventMetadata> => {
  const decoded = EventMetadataC.decode(raw.metadata);
  return E.isRight(decoded)
    ? decoded
    : E.left(
        unmappable(
          raw,
          `metadata is not ${METADATA_FORMAT}: ${describeDecodeErrors(decoded.left).join('; ')}`,
        ),
      );
};

// ---- event ids --------------------------------------------------------------------------------

/** Deterministic event id: a UUID (version 8, RFC 9562) from SHA-256 of the event's place (tenant,
 * stream id, seq) and content. A retried append sends the same ids, so EventStoreDB's idempotency
 * check accepts the retry without writing twice; a different event at the same seq (a racing
 * writer) gets a different id and is refused as a wrong expected version, never taken for a
 * duplicate. */
export const eventIdOf = (
  tenantId: string,
  streamId: string,
  seq: number,
  event: Pick<NewEvent, 'type' | 'dataCanonical' | 'recorded_at' | 'link'>,
): string => {
  const digest = createHash('sha256')
    .update(
      JSON.stringify([
        'aos-event-id/1',
        tenantId,
        streamId,
        seq,
        event.type,
        event.recorded_at,
        event.link,
        event.dataCanonical,
      ]),
    )
    .digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

// ---- stored events ----------------------------------------------------------------------------

/** An event as read from EventStoreDB, in the adapter's terms. `data` is null for events the
 * client marked as JSON (their bytes are not kept: the client parses them). */
export type RawEvent = {
  readonly streamName: string;
  readonly id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly data: Uint8Array | null;
  readonly metadata: unknown;
  readonly position: EsdbPosition | undefined;
};

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The port's view of a stored event: payload bytes as text, exactly as written. */
export const toStoredEvent = (namespace: string, raw: RawEvent): E.Either<MappingError, StoredEvent> => {
  const streamId = streamIdOf(namespace, raw.streamName);
  if (streamId === null)
    return E.left(unmappable(raw, `stream is outside the namespace "${namespace}${PRODUCT_STREAM_PREFIX}"`));
  if (raw.data === null)
    return E.left(unmappable(raw, 'event is stored as JSON, not as the canonical bytes the adapter writes'));
  if (!usablePosition(raw.position))
    return E.left(
      unmappable(
        raw,
        'the server reported no position for the event (EventStoreDB 22.10 or later is required)',
      ),
    );
  if (raw.revision > BigInt(Number.MAX_SAFE_INTEGER))
    return E.left(unmappable(raw, 'revision beyond the safe integer range'));
  const metadata = decodeMetadata(raw);
  if (E.isLeft(metadata)) return metadata;
  let dataCanonical: string;
  let data: unknown;
  try {
    dataCanonical = strictUtf8.decode(raw.data);
    data = JSON.parse(dataCanonical) as unknown;
  } catch (error) {
    return E.left(
      unmappable(raw, `payload is not UTF-8 JSON: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
  return E.right({
    stream_id: streamId,
    tenant_id: metadata.right.tenant_id,
    seq: Number(raw.revision),
    type: raw.type,
    data,
    dataCanonical,
    recorded_at: metadata.right.recorded_at,
    link: metadata.right.link,
    globalPosition: toGlobalPosition(raw.position),
  });
};

/** The bytes written for an event's payload: its canonical JSON, UTF-8. */
export const payloadBytes = (event: Pick<NewEvent, 'dataCanonical'>): Uint8Array =>
  new TextEncoder().encode(event.dataCanonical);
