import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../domain/json/canonical-json.js';
import type { JsonObject } from '../../domain/json/json-value.js';
import {
  START_POSITION,
  comparePositions,
  type EventStore,
  type NewEvent,
  type StoredEvent,
} from '../../domain/ports/event-store.js';
import { streamsAppendContract, type StreamsAppendMode } from './streams-append-contract.js';

/** What every event store adapter must do, whatever it runs on. `open` gives a store over an empty
 * or shared backend; the suite only relies on streams it creates itself. */
export type ContractSubject = { readonly store: EventStore; close(): Promise<void> };

const event = (type: string, data: JsonObject): NewEvent => ({
  type,
  data,
  dataCanonical: canonicalJson(data),
  recorded_at: new Date().toISOString(),
  link: null,
});

const right = async <T>(
  task: () => Promise<{ _tag: 'Left'; left: unknown } | { _tag: 'Right'; right: T }>,
): Promise<T> => {
  const result = await task();
  if (result._tag === 'Left') throw new Error(`expected success, got ${JSON.stringify(result.left)}`);
  return result.right;
};

const readAllOf = async (store: EventStore, streams: ReadonlySet<string>): Promise<StoredEvent[]> => {
  const out: StoredEvent[] = [];
  let after = START_POSITION;
  for (;;) {
    const batch = await right(store.readAll(after, 3));
    for (const e of batch) if (streams.has(e.stream_id)) out.push(e);
    if (batch.length < 3) return out;
    after = batch[batch.length - 1]!.globalPosition;
  }
};

export const eventStoreContract = (
  name: string,
  open: () => Promise<ContractSubject>,
  streamsAppend: StreamsAppendMode = 'atomic',
): void => {
  streamsAppendContract(name, open, streamsAppend);
  describe(`event store contract: ${name}`, () => {
    const stream = () => `aos-contract-${randomUUID()}`;

    it('appends to a new stream at expected version 0 and reads it back in seq order, bytes unchanged', async () => {
      const { store, close } = await open();
      try {
        const id = stream();
        const data = { b: 1, a: 'é', n: 1e21, nested: { z: [1, 2], y: null } };
        const appended = await right(
          store.appendToStream('t1', id, 0, [event('A', data), event('B', { i: 2 })]),
        );
        expect(appended.nextExpectedVersion).toBe(2);
        const read = await right(store.readStream('t1', id));
        expect(read.map((e) => [e.seq, e.type, e.tenant_id, e.stream_id])).toEqual([
          [0, 'A', 't1', id],
          [1, 'B', 't1', id],
        ]);
        expect(read[0]?.dataCanonical).toBe(canonicalJson(data));
        expect(read[0]?.data).toEqual(JSON.parse(canonicalJson(data)));
        expect(comparePositions(read[1]!.globalPosition, appended.lastPosition)).toBe(0);
      } finally {
        await close();
      }
    });

    it('refuses a stale or future expected version with version_conflict, and nothing lands', async () => {
      const { store, close } = await open();
      try {
        const id = stream();
        await right(store.appendToStream('t1', id, 0, [event('A', {})]));
        for (const expected of [0, 2]) {
          const result = await store.appendToStream('t1', id, expected, [event('X', {}), event('Y', {})])();
          expect(result).toEqual({
            _tag: 'Left',
            left: { kind: 'version_conflict', streamId: id, expected, actual: 1 },
          });
        }
        expect((await right(store.readStream('t1', id))).map((e) => e.type)).toEqual(['A']);
      } finally {
        await close();
      }
    });

    it('lets exactly one of two racing writers at the same version win', async () => {
      const { store, close } = await open();
      try {
        const id = stream();
        await right(store.appendToStream('t1', id, 0, [event('A', {})]));
        const results = await Promise.all(
          ['L', 'R'].map((side) =>
            store.appendToStream('t1', id, 1, [event(side, {}), event(`${side}2`, {})])(),
          ),
        );
        expect(results.filter((r) => r._tag === 'Right')).toHaveLength(1);
        expect(results.filter((r) => r._tag === 'Left' && r.left.kind === 'version_conflict')).toHaveLength(
          1,
        );
        const types = (await right(store.readStream('t1', id))).map((e) => e.type);
        expect([
          ['A', 'L', 'L2'],
          ['A', 'R', 'R2'],
        ]).toContainEqual(types);
      } finally {
        await close();
      }
    });

    it("scopes reads by tenant and refuses appends to another tenant's stream", async () => {
      const { store, close } = await open();
      try {
        const id = stream();
        await right(store.appendToStream('t1', id, 0, [event('A', {})]));
        expect(await right(store.readStream('t2', id))).toEqual([]);
        expect(await store.appendToStream('t2', id, 1, [event('B', {})])()).toEqual({
          _tag: 'Left',
          left: { kind: 'stream_tenant_mismatch', streamId: id },
        });
        expect(await right(store.readStream('t1', id))).toHaveLength(1);
      } finally {
        await close();
      }
    });

    it("tells a stream's version without reading it, 0 when missing or another tenant's", async () => {
      const { store, close } = await open();
      try {
        const id = stream();
        expect(await right(store.streamVersion('t1', id))).toBe(0);
        await right(store.appendToStream('t1', id, 0, [event('A', {}), event('B', {})]));
        await right(store.appendToStream('t1', id, 2, [event('C', {})]));
        expect(await right(store.streamVersion('t1', id))).toBe(3);
        expect(await right(store.streamVersion('t2', id))).toBe(0);
      } finally {
        await close();
      }
    });

    it('reads a stream page by page from a seq, tenant-scoped', async () => {
      const { store, close } = await open();
      try {
        const id = stream();
        await right(
          store.appendToStream(
            't1',
            id,
            0,
            ['A', 'B', 'C', 'D', 'E'].map((type) => event(type, {})),
          ),
        );
        const page = async (from: number, limit: number, tenant = 't1') =>
          (await right(store.readStreamFrom(tenant, id, from, limit))).map((e) => `${e.seq}${e.type}`);
        expect(await page(0, 2)).toEqual(['0A', '1B']);
        expect(await page(2, 2)).toEqual(['2C', '3D']);
        expect(await page(4, 2)).toEqual(['4E']);
        expect(await page(5, 2)).toEqual([]);
        expect(await page(0, 10, 't2')).toEqual([]);
        const whole = await right(store.readStream('t1', id));
        expect(await right(store.readStreamFrom('t1', id, 1, 3))).toEqual(whole.slice(1, 4));
        // The same page with each event's data as its stored text only, not parsed.
        const texts = await right(store.readStreamTextFrom('t1', id, 1, 3));
        expect(texts).toEqual(whole.slice(1, 4).map(({ data: _data, globalPosition: _at, ...text }) => text));
        expect(texts.every((e) => !('data' in e) && !('globalPosition' in e))).toBe(true);
        expect(await right(store.readStreamTextFrom('t2', id, 0, 10))).toEqual([]);
      } finally {
        await close();
      }
    });

    it('streams a whole stream as pages, tenant-scoped, and releases an abandoned read', async () => {
      const { store, close } = await open();
      try {
        const id = stream();
        const data = { text: 'tab\tnewline\nbackslash\\ quote" \\N é 😀', n: 0.1 };
        await right(
          store.appendToStream('t1', id, 0, [
            event('A', data),
            ...Array.from({ length: 2100 }, (_, i) => event('B', { i })),
          ]),
        );
        const drain = async (pages: AsyncGenerator<readonly StoredEvent[], unknown>) => {
          const events: StoredEvent[] = [];
          for (let next = await pages.next(); ; next = await pages.next()) {
            if (next.done) return { events, end: next.value };
            expect(next.value.length).toBeGreaterThan(0);
            events.push(...next.value);
          }
        };
        const whole = await drain(store.readStreamPages('t1', id));
        expect(whole.end).toBeNull();
        expect(whole.events).toEqual(await right(store.readStream('t1', id)));
        expect(whole.events[0]?.dataCanonical).toBe(canonicalJson(data));
        expect(await drain(store.readStreamPages('t2', id))).toEqual({ events: [], end: null });
        expect(await drain(store.readStreamPages('t1', stream()))).toEqual({ events: [], end: null });
        // Reads stopped after their first page, more of them than a pool has connections: each
        // gives back what it held, and the store still reads.
        for (let i = 0; i < 12; i++) {
          const pages = store.readStreamPages('t1', id);
          expect((await pages.next()).done).toBe(false);
          await pages.return(null);
        }
        expect(await right(store.readStream('t1', id))).toHaveLength(2101);
      } finally {
        await close();
      }
    });

    it('reads a missing stream as empty and refuses an empty append', async () => {
      const { store, close } = await open();
      try {
        expect(await right(store.readStream('t1', stream()))).toEqual([]);
        const empty = await store.appendToStream('t1', stream(), 0, [])();
        expect(empty._tag).toBe('Left');
      } finally {
        await close();
      }
    });

    it('reads all streams in commit order, each stream in seq order, resuming after a position', async () => {
      const { store, close } = await open();
      try {
        const [a, b] = [stream(), stream()];
        await right(store.appendToStream('t1', a, 0, [event('a0', {})]));
        await right(store.appendToStream('t2', b, 0, [event('b0', {}), event('b1', {})]));
        await right(store.appendToStream('t1', a, 1, [event('a1', {})]));
        const all = await readAllOf(store, new Set([a, b]));
        expect(all.map((e) => e.type)).toEqual(['a0', 'b0', 'b1', 'a1']);
        for (let i = 1; i < all.length; i++)
          expect(comparePositions(all[i - 1]!.globalPosition, all[i]!.globalPosition)).toBe(-1);
        const rest = await right(store.readAll(all[1]!.globalPosition, 1000));
        expect(rest.filter((e) => e.stream_id === a || e.stream_id === b).map((e) => e.type)).toEqual([
          'b1',
          'a1',
        ]);
      } finally {
        await close();
      }
    });
  });
};
