import { runStreamId } from '../../domain/stream-names.js';
import * as E from 'fp-ts/lib/Either.js';
import type { Clock } from '../../domain/ports/clock.js';
import type {
  EventStore,
  EventStoreError,
  GlobalPosition,
  NewEvent,
} from '../../domain/ports/event-store.js';
import type { Signer } from '../../domain/ports/signing-keys.js';
import { runDecider, type RunCommand } from '../../domain/run/run-decider.js';
import type { RunDomainError } from '../../domain/run/run-errors.js';
import { chainRunEvents, type RunStream, type RunStreamError } from '../../domain/run/run-stream.js';
import { appendSealedCompletion, type SealedCompletionError } from './sealed-completion.js';

export type RunWriteError =
  | { readonly kind: 'domain'; readonly error: RunDomainError }
  | SealedCompletionError
  | { readonly kind: 'stream'; readonly error: RunStreamError }
  /** An append would complete the run, and the writer has no key to seal it with: nothing written. */
  | { readonly kind: 'completion_without_signer'; readonly run_id: string };

export type RunWriterDeps = {
  readonly store: EventStore;
  readonly clock: Clock;
  /** Seals the run in the append that completes it. Every runner has one (RunExecutionDeps); a
   * writer without one may append anything but the completion. */
  readonly signer?: Signer;
  /** In [0, 1): the jitter of the backoff when the tenant ledger is contended. */
  readonly random?: () => number;
  /** The operator's public keys: when given, a signer they do not hold completes nothing. */
  readonly keySet?: ReadonlyMap<string, Uint8Array>;
};

/**
 * A runner's hold on its stream: commands are decided and chained as they come (`stage`, each with
 * the time it was staged), and what is staged goes to the store in one append (`flush`) with the
 * version the store last confirmed as the expected version, so a concurrent writer makes the
 * whole append fail and nothing of it is written. The append that completes the run carries the
 * run's seal to the tenant ledger in the same transaction (appendSealedCompletion): no run is
 * completed without its seal.
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

/** Appends `events` after `before`: with the run's seal when they complete it. */
const appendStaged = async (
  deps: RunWriterDeps,
  before: RunStream,
  events: readonly NewEvent[],
  after: RunStream,
): Promise<E.Either<RunWriteError, GlobalPosition>> => {
  const completes = after.state.status === 'completed' && before.state.status !== 'completed';
  if (!completes) {
    const appended = await deps.store.appendToStream(
      before.tenantId,
      runStreamId(before.runId),
      before.version,
      events,
    )();
    return E.bimap(
      (error: EventStoreError): RunWriteError => ({ kind: 'store', error }),
      (result: { lastPosition: GlobalPosition }) => result.lastPosition,
    )(appended);
  }
  if (deps.signer === undefined) return E.left({ kind: 'completion_without_signer', run_id: before.runId });
  return appendSealedCompletion({ ...deps, signer: deps.signer }, before, events, after);
};

export const createRunWriter = (deps: RunWriterDeps, start: RunStream): RunWriter => {
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
      const position = await appendStaged(deps, appended, pending, current);
      if (E.isLeft(position)) return position;
      pending = [];
      current = { ...current, lastPosition: position.right };
      appended = current;
      return E.right(current);
    },
  };
};
