import { describe, expect, it, vi } from 'vitest';
import {
  runCatchUpFeed,
  type FeedBatch,
  type FeedSubscription,
} from '../../adapters/eventstoredb/catch-up-feed.js';
import {
  START_POSITION,
  comparePositions,
  type GlobalPosition,
  type StoredEvent,
} from '../../domain/ports/event-store.js';
import { newEvent } from './eventstoredb-raw-events.js';

// The EventStoreDB catch-up feed, with a scripted subscription (no server).

const at = (n: number): GlobalPosition => ({ transactionId: BigInt(n) * 10n, position: BigInt(n) });
const storedAt = (n: number): StoredEvent => ({
  stream_id: 'aos-run-1',
  tenant_id: 't',
  seq: n - 1,
  type: `e${n}`,
  data: {},
  dataCanonical: '{}',
  recorded_at: newEvent.recorded_at,
  link: null,
  globalPosition: at(n),
});

/** A log of events; each subscription hands out those after its start, then waits (live). */
const scriptedLog = (count: number, options: { readonly failFirstAfter?: number } = {}) => {
  const log = Array.from({ length: count }, (_, i) => storedAt(i + 1));
  const starts: GlobalPosition[] = [];
  const subscribe = (from: GlobalPosition): FeedSubscription => {
    starts.push(from);
    const items = log.filter((e) => comparePositions(e.globalPosition, from) > 0);
    const failAfter = starts.length === 1 ? options.failFirstAfter : undefined;
    let taken = 0;
    let closed = (): void => undefined;
    const closing = new Promise<void>((resolve) => {
      closed = resolve;
    });
    return {
      async *[Symbol.asyncIterator]() {
        for (const item of items) {
          if (taken === failAfter) throw new Error('subscription dropped');
          taken += 1;
          yield item;
        }
        await closing;
      },
      buffered: () => items.length - taken,
      close: async () => closed(),
    };
  };
  return { subscribe, starts };
};

const feedHarness = (
  options: {
    readonly failFirstAfter?: number;
    readonly refuseFirstBatch?: boolean;
    readonly maxBatch?: number;
  } = {},
) => {
  const source = scriptedLog(5, options);
  let checkpoint = START_POSITION;
  const batches: string[][] = [];
  const applied: string[] = [];
  const errors: string[] = [];
  const controller = new AbortController();
  const running = runCatchUpFeed({
    subscribe: source.subscribe,
    readCheckpoint: async () => checkpoint,
    apply: async ({ after, events }: FeedBatch) => {
      if (options.refuseFirstBatch && batches.length === 0) {
        batches.push([]);
        throw new Error('postgres refused');
      }
      const fresh = events.filter(
        (e) =>
          comparePositions(e.globalPosition, checkpoint) > 0 && comparePositions(e.globalPosition, after) > 0,
      );
      batches.push(events.map((e) => e.type));
      applied.push(...fresh.map((e) => e.type));
      checkpoint = fresh.at(-1)?.globalPosition ?? checkpoint;
      return checkpoint;
    },
    signal: controller.signal,
    maxBatch: options.maxBatch ?? 2,
    retryDelayMs: () => 1,
    onError: (error) => errors.push(error instanceof Error ? error.message : String(error)),
  });
  const stop = async () => {
    controller.abort();
    await running;
  };
  return { source, batches, applied, errors, stop, checkpoint: () => checkpoint };
};

describe('catch-up feed', () => {
  it('applies full batches while catching up, then what is there, and stops on the signal', async () => {
    const feed = feedHarness();
    await vi.waitFor(() => expect(feed.applied).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']));
    expect(feed.batches).toEqual([['e1', 'e2'], ['e3', 'e4'], ['e5']]);
    await feed.stop();
    expect(feed.source.starts).toEqual([START_POSITION]);
    expect(feed.errors).toEqual([]);
  });

  it('resubscribes from the stored checkpoint after the subscription drops, skipping nothing and repeating nothing', async () => {
    const feed = feedHarness({ failFirstAfter: 3 }); // e1, e2 applied; e3 received, not applied
    await vi.waitFor(() => expect(feed.applied).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']));
    await feed.stop();
    expect(feed.errors).toEqual(['subscription dropped']);
    expect(feed.source.starts).toEqual([START_POSITION, at(2)]);
  });

  it('after a refused batch, resubscribes from the unchanged checkpoint and applies it again', async () => {
    const feed = feedHarness({ refuseFirstBatch: true });
    await vi.waitFor(() => expect(feed.applied).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']));
    await feed.stop();
    expect(feed.errors).toEqual(['postgres refused']);
    expect(feed.source.starts).toEqual([START_POSITION, START_POSITION]);
  });
});
