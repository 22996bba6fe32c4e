import { describe, expect, it } from 'vitest';
import { metadataAsRead, raw } from './eventstoredb-raw-events.js';

describe('readStreamPages on EventStoreDB (a connection serving one stream from memory)', () => {
  // Given a stream longer than a page whose last record of the first page is another tenant's,
  // when the tenant reads it as pages, then it gets every one of its events: a page is short after
  // the tenant filter, not because the stream ended.
  it("reads past a page whose last record is another tenant's", async () => {
    const { eventStoreDbEventStore } =
      await import('../../adapters/eventstoredb/eventstoredb-event-store.js');
    const records = Array.from({ length: 2100 }, (_, i) =>
      raw({
        streamName: 'aos-run-1',
        revision: BigInt(i),
        metadata: metadataAsRead(i === 1999 ? 'tenant-b' : 'tenant-a'),
        position: { commit: BigInt(i + 1), prepare: BigInt(i + 1) },
      }),
    );
    const connection = {
      readStream: async function* (name: string, from: bigint, max: number) {
        if (name === 'aos-run-1') yield* records.slice(Number(from), Number(from) + max);
      },
    } as unknown as Parameters<typeof eventStoreDbEventStore>[0];
    const store = eventStoreDbEventStore(connection);
    const seqs: number[] = [];
    const pages = store.readStreamPages('tenant-a', 'aos-run-1');
    for (let next = await pages.next(); ; next = await pages.next()) {
      if (next.done) {
        expect(next.value).toBeNull();
        break;
      }
      seqs.push(...next.value.map((e) => e.seq));
    }
    expect(seqs).toEqual(Array.from({ length: 2100 }, (_, i) => i).filter((i) => i !== 1999));
  });
});
