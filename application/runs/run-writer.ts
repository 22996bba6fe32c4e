import { runStreamId } from '../../domain/stream-names.js';
import * as E from 'fp-ts/lib/Either.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { EventStore, EventStoreError, NewEvent } from '../../domain/ports/event-store.js';
import { runDecider, type RunCommand } from '../../domain/run/run-decider.js';
import type { RunDomainError } from '../../domain/run/run-errors.js';
import { chainRunEvents, type RunStream, type RunStreamError } from '../../domain/run/run-stream.js';

export type RunWriteError =
  | { readonly kind: 'domain'; readonly error: RunDomainError }
  | { readonly kind: 'store'; readonly error: EventStoreError }
  | { readonly kind: 'stream'; readonly error: RunStreamError };

/**
 * A runner's hold on its stream: commands are decided and chained as they come (`stage`, each with
 * the time it was staged), and what is staged goes to the store in one append (`flush`) with the
 * version the store last confirmed as the expected version, so a concurrent writer makes the
 * whole append fail and nothing of it is written.
 */
export type RunWriter = {
  /** The stream as it is with everything staged (what the runner decides on next). */
  readonly stream: () => RunStream;
  /** How many events are staged and not yet appended. */
  readonly staged: () => number;
  readonly stage: (commands: readonly RunCommand[]) => E.Either<RunWriteError, RunStream>;
  /** Appends what is staged (nothing to do when nothing is). */
  readonly flush: () => Promise<E.Either<RunWriteError, RunStream>>;
};

export const createRunWriter = (
  deps: { readonly store: EventStore; readonly clock: Clock },
  start: RunStream,
): RunWriter => {
  let appended = start;
  let current = start;
  let pending: NewEvent[] = [];
  return {
    stream: () => current,
    staged: () => pending.length,
    stage: (commands) => {
      const recordedAt = deps.clock.now();
      let next = current;
      const events: NewEvent[] = [];
      for (const command of commands) {
        const decided = runDecider.decide(command, next.state);
        if (E.isLeft(decided)) return E.left({ kind: 'domain', error: decided.left });
        const chained = chainRunEvents(next, decided.right, recordedAt);
        if (E.isLeft(chained)) return E.left({ kind: 'stream', error: chained.left });
        events.push(...chained.right.toAppend);
        next = chained.right.next;
      }
      pending.push(...events);
      current = next;
      return E.right(current);
    },
    flush: async () => {
      if (pending.length === 0) return E.right(current);
      const result = await deps.store.appendToStream(
        appended.tenantId,
        runStreamId(appended.runId),
        appended.version,
        pending,
      )();
      if (E.isLeft(result)) return E.left({ kind: 'store', error: result.left });
      pending = [];
      current = { ...current, lastPosition: result.right.lastPosition };
      appended = current;
      return E.right(current);
    },
  };
};
