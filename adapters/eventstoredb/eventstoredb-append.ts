import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { AppendResult, EventStore, EventStoreError, NewEvent } from '../../domain/ports/event-store.js';
import { classifyFailure, type RawNewEvent } from './esdb-client.js';
import {
  encodeMetadata,
  eventIdOf,
  expectedRevisionOf,
  isProductStreamId,
  isValidVersion,
  payloadBytes,
  versionOfRevision,
  type RawEvent,
} from './eventstoredb-mapping.js';
import { fail, task, type EsdbStreams } from './eventstoredb-streams.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
  { connection, nameOf, stored, headOf }: EsdbStreams,
  tenantId: string,
  streamId: string,
  expectedVersion: number,
  events: readonly NewEvent[],
  retry: boolean,
): Promise<AppendResult> => {
  const name = nameOf(streamId);
  const head = await headOf(name);
  if (head !== null && head.tenantId !== tenantId) return fail({ kind: 'stream_tenant_mismatch', streamId });
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

/** The port's append on EventStoreDB: checked, then sent, and sent again with the same event ids
 * while the server is unavailable (up to `attempts`, EventStoreDB accepting a duplicate without
 * writing twice). */
export const esdbAppend =
  (streams: EsdbStreams, attempts: number, retryDelayMs: number) =>
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
        appendOnce(streams, tenantId, streamId, expectedVersion, events, attempt > 1),
      )();
      if (E.isRight(result) || result.left.kind !== 'store_unavailable' || attempt >= attempts) return result;
      await sleep(retryDelayMs * attempt);
    }
  };

/** The port's append to several streams on EventStoreDB, which has no transaction over streams:
 * the parts one after the other, in the order given, each a checked append of its own
 * (`appendOne`); the first part refused stops it, and the parts before it stay (`landed`).
 * docs/EVENTSTOREDB.md says what this cannot promise. */
export const esdbAppendInOrder =
  (appendOne: EventStore['appendToStream']): EventStore['appendToStreams'] =>
  (parts) =>
  async () => {
    if (parts.length === 0)
      return E.left({ error: { kind: 'store_failed', message: 'append with no streams' }, landed: [] });
    const landed: AppendResult[] = [];
    for (const { tenantId, streamId, expectedVersion, events } of parts) {
      const result = await appendOne(tenantId, streamId, expectedVersion, events)();
      if (E.isLeft(result)) return E.left({ error: result.left, landed });
      landed.push(result.right);
    }
    return E.right(landed);
  };
