import { setTimeout as sleep } from 'node:timers/promises';
import type { ProjectionBatch } from '../../application/ports/read-model.js';
import { comparePositions, type GlobalPosition, type StoredEvent } from '../../domain/ports/event-store.js';

/** A catch-up subscription to the product's events after a position (exclusive), in global
 * order: iterated with `for await`, it never ends by itself and does not resubscribe. */
export type FeedSubscription = AsyncIterable<StoredEvent> & {
  /** Events received and not yet taken; 0 when the caller holds everything sent so far. */
  buffered(): number;
  close(): Promise<void>;
};

/** Every product event after `after`, in order, up to the last one received. */
export type FeedBatch = ProjectionBatch;

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

/** Waits `ms`, or less when the signal stops it (an abort is the end of the wait, not an error). */
const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  sleep(ms, undefined, { signal }).catch(() => undefined);

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
