import { UnavailableError, WrongExpectedVersionError } from '@eventstore/db-client';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { classifyFailure, productFilter } from '../../adapters/eventstoredb/esdb-client.js';
import {
  decodeMetadata,
  esdbStreamName,
  eventIdOf,
  expectedRevisionOf,
  fromGlobalPosition,
  payloadBytes,
  productStreamPrefixes,
  streamIdOf,
  toGlobalPosition,
  toStoredEvent,
  usablePosition,
  validateNamespace,
  versionOfRevision,
  type RawEvent,
} from '../../adapters/eventstoredb/eventstoredb-mapping.js';
import { START_POSITION, comparePositions } from '../../domain/ports/event-store.js';
import { metadataAsRead, newEvent, raw } from './eventstoredb-raw-events.js';

// The EventStoreDB adapter's mappings, which need no server: revisions, positions, metadata, event
// ids, stream names, stored events and client failures. Also without a server:
// eventstoredb-catch-up-feed.unit.spec.ts and eventstoredb-stream-pages.unit.spec.ts. The contract
// suite against a real server is eventstoredb-event-store.int.spec.ts.

describe("EventStoreDB revisions and the port's versions", () => {
  it('maps expected version 0 to NO_STREAM and n to revision n-1, and back', () => {
    expect(expectedRevisionOf(0)).toBe('no_stream');
    expect(expectedRevisionOf(1)).toBe(0n);
    expect(expectedRevisionOf(7)).toBe(6n);
    expect(versionOfRevision('no_stream')).toBe(0);
    expect(versionOfRevision(0n)).toBe(1);
    for (const version of [0, 1, 2, 99, 2 ** 40])
      expect(versionOfRevision(expectedRevisionOf(version))).toBe(version);
  });
});

describe('EventStoreDB positions as global positions', () => {
  it('maps commit to transactionId and prepare to position; START_POSITION is the start of $all', () => {
    expect(toGlobalPosition({ commit: 10n, prepare: 7n })).toEqual({ transactionId: 10n, position: 7n });
    expect(fromGlobalPosition(START_POSITION)).toBe('start');
    expect(fromGlobalPosition({ transactionId: 10n, position: 7n })).toEqual({ commit: 10n, prepare: 7n });
  });

  it('orders like $all: by commit, then prepare, as numbers', () => {
    const log = [
      { commit: 9n, prepare: 9n },
      { commit: 10n, prepare: 3n },
      { commit: 10n, prepare: 10n },
      { commit: 100n, prepare: 99n },
      { commit: 2n ** 40n, prepare: 0n },
    ];
    const shuffled = [log[3]!, log[0]!, log[4]!, log[2]!, log[1]!].map(toGlobalPosition);
    expect(shuffled.sort(comparePositions)).toEqual(log.map(toGlobalPosition));
  });

  it('refuses positions a server reports when it has none, and ones a Postgres bigint cannot hold', () => {
    expect(usablePosition(undefined)).toBe(false);
    expect(usablePosition({ commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n })).toBe(false);
    expect(usablePosition({ commit: 2n ** 63n, prepare: 0n })).toBe(false);
    expect(usablePosition({ commit: 0n, prepare: 0n })).toBe(true);
  });
});

describe('event metadata', () => {
  it('round-trips tenant, recorded_at and link through the JSON the client hands back', () => {
    expect(decodeMetadata({ streamName: 's', revision: 0n, metadata: metadataAsRead('tenant-a') })).toEqual(
      E.right({
        format: 'aos-event/1',
        tenant_id: 'tenant-a',
        recorded_at: newEvent.recorded_at,
        link: newEvent.link,
      }),
    );
    expect(
      decodeMetadata({ streamName: 's', revision: 0n, metadata: metadataAsRead('t', null) }),
    ).toMatchObject(E.right({ link: null }));
  });

  it("turns metadata that is not the adapter's into a typed error naming the field", () => {
    const failures = [
      undefined,
      new Uint8Array([1, 2]),
      { format: 'aos-event/1', recorded_at: 'x', link: null },
      { ...(metadataAsRead('t') as object), format: 'v0' },
    ];
    for (const metadata of failures) {
      const decoded = decodeMetadata({ streamName: 'aos-run-1', revision: 3n, metadata });
      expect(decoded).toMatchObject(
        E.left({ kind: 'unmappable_event', streamName: 'aos-run-1', revision: 3n }),
      );
    }
    expect(
      decodeMetadata({
        streamName: 's',
        revision: 0n,
        metadata: { format: 'aos-event/1', recorded_at: 'x', link: null },
      }),
    ).toMatchObject(E.left({ message: expect.stringContaining('tenant_id') }));
  });
});

describe('deterministic event ids', () => {
  it('gives the same UUID (version 8) for the same event at the same place, a different one otherwise', () => {
    const id = eventIdOf('t1', 'aos-run-1', 0, newEvent);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(eventIdOf('t1', 'aos-run-1', 0, { ...newEvent })).toBe(id);
    const others = [
      eventIdOf('t2', 'aos-run-1', 0, newEvent),
      eventIdOf('t1', 'aos-run-2', 0, newEvent),
      eventIdOf('t1', 'aos-run-1', 1, newEvent),
      eventIdOf('t1', 'aos-run-1', 0, { ...newEvent, type: 'X' }),
      eventIdOf('t1', 'aos-run-1', 0, { ...newEvent, dataCanonical: '{}' }),
      eventIdOf('t1', 'aos-run-1', 0, { ...newEvent, link: null }),
      eventIdOf('t1', 'aos-run-1', 0, { ...newEvent, recorded_at: '2026-02-09T12:00:00.001Z' }),
      eventIdOf('t1-aos', 'run-1', 0, newEvent),
    ];
    expect(new Set([id, ...others]).size).toBe(others.length + 1);
  });
});

describe('stream names and the $all filter', () => {
  it("names a stream by its id, after the namespace, and maps only the product's streams back", () => {
    expect(esdbStreamName('', 'aos-run-1')).toBe('aos-run-1');
    expect(esdbStreamName('ci-7.', 'aos-ledger-t1')).toBe('ci-7.aos-ledger-t1');
    expect(streamIdOf('ci-7.', 'ci-7.aos-ledger-t1')).toBe('aos-ledger-t1');
    for (const name of ['$stats-127.0.0.1:2113', 'orders-1', 'ci-8.aos-run-1', 'aos-run-1'])
      expect(streamIdOf('ci-7.', name)).toBeNull();
    expect(streamIdOf('', 'ci-7.aos-run-1')).toBeNull();
  });

  it('accepts only namespaces that cannot overlap (none, or letters/digits/_/- and a final dot, not aos-)', () => {
    for (const ok of ['', 'ci-7.', 'Prod_2.']) expect(validateNamespace(ok)).toEqual(E.right(ok));
    for (const bad of ['ci', 'a.b.', '$ci.', '.', 'aos-x.', `${'x'.repeat(41)}.`])
      expect(E.isLeft(validateNamespace(bad))).toBe(true);
  });

  it("filters $all on the stream-name prefix of the namespace's product streams", () => {
    expect(productStreamPrefixes('')).toEqual(['aos-']);
    expect(productStreamPrefixes('ci-7.')).toEqual(['ci-7.aos-']);
    expect(productFilter(productStreamPrefixes('ci-7.'))).toMatchObject({
      filterOn: 'streamName',
      prefixes: ['ci-7.aos-'],
      checkpointInterval: 1,
    });
  });
});

describe('stored events', () => {
  it('hands back the exact canonical bytes, the envelope from the metadata and the $all position', () => {
    const mapped = toStoredEvent('ci.', raw());
    expect(mapped).toEqual(
      E.right({
        stream_id: 'aos-run-1',
        tenant_id: 'tenant-a',
        seq: 4,
        type: 'RunCreated',
        data: { a: 'é', n: 1e21 },
        dataCanonical: newEvent.dataCanonical,
        recorded_at: newEvent.recorded_at,
        link: newEvent.link,
        globalPosition: { transactionId: 1200n, position: 1100n },
      }),
    );
  });

  it('refuses JSON events, bytes that are not UTF-8 JSON, missing positions and foreign streams', () => {
    const cases: Array<[Partial<RawEvent>, string]> = [
      [{ data: null }, 'stored as JSON'],
      [{ data: new Uint8Array([0x7b, 0xff, 0x7d]) }, 'not UTF-8 JSON'],
      [{ data: payloadBytes({ dataCanonical: '{"a":' }) }, 'not UTF-8 JSON'],
      [{ position: undefined }, 'no position'],
      [{ streamName: 'other.aos-run-1' }, 'outside the namespace'],
      [{ metadata: undefined }, 'metadata'],
    ];
    for (const [overrides, message] of cases)
      expect(toStoredEvent('ci.', raw(overrides))).toMatchObject(
        E.left({ kind: 'unmappable_event', message: expect.stringContaining(message) }),
      );
  });
});

describe('client failures', () => {
  it('classifies wrong expected versions, unavailability and the rest', () => {
    expect(
      classifyFailure(
        new WrongExpectedVersionError(undefined, { streamName: 's', expected: 'no_stream', current: 0n }),
      ),
    ).toEqual({ kind: 'wrong_expected_version', current: 0n });
    expect(classifyFailure(new UnavailableError(undefined, 'down'))).toMatchObject({ kind: 'unavailable' });
    expect(
      classifyFailure(Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 })),
    ).toMatchObject({ kind: 'unavailable' });
    expect(classifyFailure(new Error('Failed to discover after 10 attempts.'))).toMatchObject({
      kind: 'unavailable',
    });
    expect(classifyFailure(new Error('something else'))).toEqual({
      kind: 'failed',
      message: 'something else',
    });
  });
});
