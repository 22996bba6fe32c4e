import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type pg from 'pg';
import {
  comparePositions,
  type EventStore,
  type GlobalPosition,
  type StoredEvent,
} from '../../domain/ports/event-store.js';
import { catchUpProjections, readCheckpoint } from '../postgres/read-model/projector.js';

/** A catch-up subscription to the product's events after a position (exclusive), in global
 * order: iterated with `for await`, it never ends by itself and does not resubscribe. */
export type FeedSubscription = AsyncIterable<StoredEvent> & {
  /** Events received and not yet taken; 0 when the caller holds everything sent so far. */
  buffered(): number;
  close(): Promise<void>;
};

/** Every product event after `after`, in order, up to the last one received. */
export type FeedBatch = { readonly after: GlobalPosition; readonly events: readonly StoredEvent[] };

/** Applies a batch with its checkpoint (all or nothing) and returns the checkpoint now stored;
 * throws when it could not. */
export type BatchApplier = (batch: FeedBatch) => Promise<GlobalPosition>;

export type CatchUpFeedOptions = {
  readonly subscribe: (from: GlobalPosition) => FeedSubscription;
  readonly readCheckpoint: () => Promise<GlobalPosition>;
  readonly apply: BatchApplier;
  /** Stops the feed: the subscription is closed and `runCatchUpFeed` resolves. */
  readonly signal: AbortSignal;
  readonly maxBatch?: number;
  /** Pause before resubscribing after the n-th consecutive failure (n >= 1). */
  readonly retryDelayMs?: (attempt: number) => number;
  readonly onError?: (error: unknown, attempt: number) => void;
  readonly onApplied?: (checkpoint: GlobalPosition, events: number) => void;
};

const DEFAULT_MAX_BATCH = 500;
const defaultRetryDelay = (attempt: number): number => Math.min(250 * 2 ** (attempt - 1), 10_000);

const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** One subscription, from `from` until it fails or the signal stops it. Events gather while the
 * previous batch is being applied: a batch is applied when nothing more is buffered (live: each
 * event at once) or when it is full (catching up). */
const follow = async (
  from: GlobalPosition,
  options: CatchUpFeedOptions,
  succeeded: () => void,
): Promise<void> => {
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  const subscription = options.subscribe(from);
  const stop = () => void subscription.close().catch(() => undefined);
  options.signal.addEventListener('abort', stop, { once: true });
  let after = from;
  let pending: StoredEvent[] = [];
  const flush = async () => {
    let previous: GlobalPosition | null = null;
    while (pending.length > 0) {
      const checkpoint = await options.apply({ after, events: pending });
      if (previous !== null && comparePositions(checkpoint, previous) === 0)
        throw new Error('the batch applier made no progress');
      previous = checkpoint;
      const before = pending.length;
      if (comparePositions(checkpoint, after) >= 0) {
        pending = pending.filter((e) => comparePositions(e.globalPosition, checkpoint) > 0);
        after = checkpoint;
      }
      options.onApplied?.(checkpoint, before - pending.length);
    }
    succeeded();
  };
  try {
    for await (const event of subscription) {
      if (comparePositions(event.globalPosition, after) <= 0) continue;
      pending.push(event);
      if (pending.length >= maxBatch || subscription.buffered() === 0) await flush();
    }
    if (!options.signal.aborted) throw new Error('the subscription ended');
  } catch (error) {
    if (!options.signal.aborted) throw error;
  } finally {
    options.signal.removeEventListener('abort', stop);
    await subscription.close().catch(() => undefined);
  }
};

/** Follows the store from the stored checkpoint until the signal stops it. After any failure
 * (subscription dropped, server gone, batch refused) it pauses and resubscribes from the
 * checkpoint then stored, so nothing is skipped and nothing is applied twice. */
export const runCatchUpFeed = async (options: CatchUpFeedOptions): Promise<void> => {
  let attempt = 0;
  while (!options.signal.aborted) {
    try {
      await follow(await options.readCheckpoint(), options, () => {
        attempt = 0;
      });
    } catch (error) {
      if (options.signal.aborted) break;
      attempt += 1;
      options.onError?.(error, attempt);
      await pause((options.retryDelayMs ?? defaultRetryDelay)(attempt), options.signal);
    }
  }
};

const describe = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/** A batch applier on the existing projector (`catchUpProjections`): one Postgres transaction
 * locks the checkpoint, applies the events after it and moves it (compare-and-swap) with the
 * rows. The projector reads through `readAll`; the batch answers reads that start at or after
 * `batch.after`, and a read from further back (the checkpoint is behind the subscription, e.g.
 * moved back under the feed) goes to the store itself. Events at or before the checkpoint (another
 * projector applied them) are skipped by the projector, so nothing is applied twice. */
export const projectorApplier =
  (pool: pg.Pool, store: EventStore, options: { readonly batchSize?: number } = {}): BatchApplier =>
  async (batch) => {
    const batchStore: EventStore = {
      appendToStream: (tenantId, streamId, expectedVersion, events) =>
        store.appendToStream(tenantId, streamId, expectedVersion, events),
      readStream: (tenantId, streamId) => store.readStream(tenantId, streamId),
      readStreamFrom: (tenantId, streamId, fromSeq, limit) =>
        store.readStreamFrom(tenantId, streamId, fromSeq, limit),
      readStreamPages: (tenantId, streamId) => store.readStreamPages(tenantId, streamId),
      streamVersion: (tenantId, streamId) => store.streamVersion(tenantId, streamId),
      readAll: (after, limit) =>
        comparePositions(after, batch.after) >= 0
          ? TE.right(
              batch.events.filter((e) => comparePositions(e.globalPosition, after) > 0).slice(0, limit),
            )
          : store.readAll(after, limit),
    };
    // One pass (one transaction) normally; more only when the checkpoint was behind the batch and
    // a pass stopped after the store's part.
    const target = batch.events.at(-1)?.globalPosition ?? batch.after;
    for (;;) {
      const result = await catchUpProjections(pool, batchStore, options);
      if (E.isLeft(result)) throw new Error(`projecting a batch failed: ${describe(result.left)}`);
      if (comparePositions(result.right.position, target) >= 0 || result.right.applied === 0)
        return result.right.position;
    }
  };

/** The projector fed by a subscription: `runCatchUpFeed` with the Postgres checkpoint and
 * `projectorApplier`. One such process per Postgres database (the checkpoint row lock keeps
 * concurrent ones correct, but they would only wait on each other). */
export const followProjections = (
  pool: pg.Pool,
  source: { readonly store: EventStore; readonly subscribe: (from: GlobalPosition) => FeedSubscription },
  options: Pick<CatchUpFeedOptions, 'signal' | 'maxBatch' | 'retryDelayMs' | 'onError' | 'onApplied'>,
): Promise<void> =>
  runCatchUpFeed({
    ...options,
    subscribe: source.subscribe,
    readCheckpoint: () => readCheckpoint(pool),
    apply: projectorApplier(pool, source.store),
  });
