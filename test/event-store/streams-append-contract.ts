import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../domain/json/canonical-json.js';
import { comparePositions, type EventStore, type NewEvent } from '../../domain/ports/event-store.js';

/** How a store appends to several streams: in one transaction (all parts or none), or one part
 * after the other (the parts before a refused one stay). */
export type StreamsAppendMode = 'atomic' | 'in_order';

type Subject = { readonly store: EventStore; close(): Promise<void> };

const event = (type: string): NewEvent => ({
  type,
  data: { type },
  dataCanonical: canonicalJson({ type }),
  recorded_at: new Date().toISOString(),
  link: null,
});

const typesIn = async (store: EventStore, tenantId: string, streamId: string): Promise<string[]> => {
  const read = await store.readStream(tenantId, streamId)();
  if (read._tag === 'Left') throw new Error(JSON.stringify(read.left));
  return read.right.map((e) => e.type);
};

const seeded = async (store: EventStore, streamId: string, types: string[]): Promise<void> => {
  const appended = await store.appendToStream('t1', streamId, 0, types.map(event))();
  if (appended._tag === 'Left') throw new Error(JSON.stringify(appended.left));
};

/** The contract of `appendToStreams`, part of every store's contract suite. */
export const streamsAppendContract = (
  name: string,
  open: () => Promise<Subject>,
  mode: StreamsAppendMode,
): void => {
  describe(`appendToStreams contract: ${name} (${mode})`, () => {
    const stream = () => `aos-contract-${randomUUID()}`;
    const withStore = async (work: (store: EventStore) => Promise<void>) => {
      const { store, close } = await open();
      try {
        await work(store);
      } finally {
        await close();
      }
    };

    it('given two streams at their versions, when both parts are appended, then both land, each part answered in order', () =>
      withStore(async (store) => {
        const [run, ledger] = [stream(), stream()];
        await seeded(store, run, ['A']);
        await seeded(store, ledger, ['S0', 'S1']);
        const appended = await store.appendToStreams([
          { tenantId: 't1', streamId: run, expectedVersion: 1, events: [event('B'), event('C')] },
          { tenantId: 't1', streamId: ledger, expectedVersion: 2, events: [event('S2')] },
        ])();
        if (appended._tag === 'Left') throw new Error(JSON.stringify(appended.left));
        expect(appended.right.map((r) => r.nextExpectedVersion)).toEqual([3, 3]);
        expect(comparePositions(appended.right[0]!.lastPosition, appended.right[1]!.lastPosition)).toBe(-1);
        expect(await typesIn(store, 't1', run)).toEqual(['A', 'B', 'C']);
        expect(await typesIn(store, 't1', ledger)).toEqual(['S0', 'S1', 'S2']);
      }));

    it('given a stale version of the first stream, when both parts are appended, then it is a version conflict naming that stream and nothing lands', () =>
      withStore(async (store) => {
        const [run, ledger] = [stream(), stream()];
        await seeded(store, run, ['A', 'B']);
        const refused = await store.appendToStreams([
          { tenantId: 't1', streamId: run, expectedVersion: 1, events: [event('X')] },
          { tenantId: 't1', streamId: ledger, expectedVersion: 0, events: [event('S0')] },
        ])();
        expect(refused).toEqual({
          _tag: 'Left',
          left: {
            error: { kind: 'version_conflict', streamId: run, expected: 1, actual: 2 },
            landed: [],
          },
        });
        expect(await typesIn(store, 't1', run)).toEqual(['A', 'B']);
        expect(await typesIn(store, 't1', ledger)).toEqual([]);
      }));

    it(
      mode === 'atomic'
        ? 'given a stale version of the second stream, when both parts are appended, then it is a version conflict naming that stream and neither part lands'
        : 'given a stale version of the second stream, when both parts are appended, then it is a version conflict naming that stream, and the first part landed and is reported',
      () =>
        withStore(async (store) => {
          const [run, ledger] = [stream(), stream()];
          await seeded(store, run, ['A']);
          await seeded(store, ledger, ['S0', 'S1']);
          const refused = await store.appendToStreams([
            { tenantId: 't1', streamId: run, expectedVersion: 1, events: [event('B')] },
            { tenantId: 't1', streamId: ledger, expectedVersion: 1, events: [event('S1')] },
          ])();
          if (refused._tag === 'Right') throw new Error('the stale part was appended');
          expect(refused.left.error).toEqual({
            kind: 'version_conflict',
            streamId: ledger,
            expected: 1,
            actual: 2,
          });
          expect(refused.left.landed.map((r) => r.nextExpectedVersion)).toEqual(mode === 'atomic' ? [] : [2]);
          expect(await typesIn(store, 't1', run)).toEqual(mode === 'atomic' ? ['A'] : ['A', 'B']);
          expect(await typesIn(store, 't1', ledger)).toEqual(['S0', 'S1']);
        }),
    );

    it("given a part for another tenant's stream, when appended with another part, then it is refused as that stream's", () =>
      withStore(async (store) => {
        const [own, foreign] = [stream(), stream()];
        await seeded(store, foreign, ['F']);
        const refused = await store.appendToStreams([
          { tenantId: 't2', streamId: own, expectedVersion: 0, events: [event('A')] },
          { tenantId: 't2', streamId: foreign, expectedVersion: 1, events: [event('B')] },
        ])();
        if (refused._tag === 'Right') throw new Error("another tenant's stream was appended to");
        expect(refused.left.error).toEqual({ kind: 'stream_tenant_mismatch', streamId: foreign });
        expect(await typesIn(store, 't2', own)).toEqual(mode === 'atomic' ? [] : ['A']);
        expect(await typesIn(store, 't1', foreign)).toEqual(['F']);
      }));

    it('given two writers of their own streams racing for the same version of a shared one, then exactly one lands, and nothing of the other', () =>
      withStore(async (store) => {
        const [left, right, shared] = [stream(), stream(), stream()];
        const results = await Promise.all(
          [left, right].map((own) =>
            store.appendToStreams([
              { tenantId: 't1', streamId: own, expectedVersion: 0, events: [event('RunCompleted')] },
              { tenantId: 't1', streamId: shared, expectedVersion: 0, events: [event(own)] },
            ])(),
          ),
        );
        const winners = results.flatMap((r, i) => (r._tag === 'Right' ? [[left, right][i]!] : []));
        expect(winners).toHaveLength(1);
        const loser = winners[0] === left ? right : left;
        const lost = results.find((r) => r._tag === 'Left');
        expect(lost?._tag === 'Left' && lost.left.error).toEqual({
          kind: 'version_conflict',
          streamId: shared,
          expected: 0,
          actual: 1,
        });
        expect(await typesIn(store, 't1', shared)).toEqual(winners);
        expect(await typesIn(store, 't1', loser)).toEqual(mode === 'atomic' ? [] : ['RunCompleted']);
      }));

    it('refuses an append with no parts, or a part with no events, and writes nothing', () =>
      withStore(async (store) => {
        const [a, b] = [stream(), stream()];
        expect((await store.appendToStreams([])())._tag).toBe('Left');
        const empty = await store.appendToStreams([
          { tenantId: 't1', streamId: a, expectedVersion: 0, events: [event('A')] },
          { tenantId: 't1', streamId: b, expectedVersion: 0, events: [] },
        ])();
        expect(empty._tag === 'Left' && empty.left.error.kind).toBe('store_failed');
        expect(await typesIn(store, 't1', a)).toEqual(mode === 'atomic' ? [] : ['A']);
      }));
  });
};
