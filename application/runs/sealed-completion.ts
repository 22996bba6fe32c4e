import * as E from 'fp-ts/lib/Either.js';
import { runSealedEvent, signedSeal, type SealedChain } from '../../domain/ledger/run-seal.js';
import { sealingKeyProblem, type SealingKeyNotInKeySet } from '../../domain/ledger/sealing-key.js';
import type { Clock } from '../../domain/ports/clock.js';
import {
  comparePositions,
  type AppendResult,
  type EventStore,
  type EventStoreError,
  type GlobalPosition,
  type NewEvent,
  type StreamAppend,
} from '../../domain/ports/event-store.js';
import type { Signer } from '../../domain/ports/signing-keys.js';
import { frontierRoot } from '../../domain/proof/merkle-frontier.js';
import { toHex } from '../../domain/proof/sha256.js';
import type { RunStream } from '../../domain/run/run-stream.js';
import { ledgerStreamId, runStreamId } from '../../domain/stream-names.js';
import { ledgerBackoffMs, MAX_LEDGER_ATTEMPTS } from '../ledger/ledger-contention.js';

export type SealedCompletionDeps = {
  readonly store: EventStore;
  readonly clock: Clock;
  readonly signer: Signer;
  readonly random?: () => number;
  /** The operator's public keys: when given, a signer they do not hold completes nothing. */
  readonly keySet?: ReadonlyMap<string, Uint8Array>;
};

/** Why the seal did not land with the completion. */
export type SealAppendFailure =
  | { readonly kind: 'ledger_contended'; readonly attempts: number }
  /** The ledger did not move, yet refused the seal: the store's one-seal-per-run rule (Postgres,
   * migration 0005), so the ledger already holds a seal of this run id. */
  | { readonly kind: 'seal_refused' }
  | { readonly kind: 'store'; readonly error: EventStoreError }
  | SealingKeyNotInKeySet;

export type SealedCompletionError =
  /** Nothing was appended: another writer of the run appended first (a version conflict of the run
   * stream), or the store failed. */
  | { readonly kind: 'store'; readonly error: EventStoreError }
  /** The seal could not be appended. `run_completed`: the completion landed without it (only on a
   * store that appends streams one after the other, EventStoreDB); else nothing was appended. */
  | {
      readonly kind: 'seal_not_appended';
      readonly run_id: string;
      readonly run_completed: boolean;
      readonly cause: SealAppendFailure;
    };

/** What the seal of a completed stream commits to: the chain as the writer computed it. */
const sealedChainOf = (completed: RunStream): SealedChain => ({
  tenant_id: completed.tenantId,
  run_id: completed.runId,
  chain_length: completed.version,
  root_hash: toHex(completed.lastLink),
  merkle_root: toHex(frontierRoot(completed.merkleFrontier)),
});

const lastPositionOf = (results: readonly AppendResult[]): GlobalPosition =>
  results
    .map((r) => r.lastPosition)
    .reduce((last, position) => (comparePositions(position, last) > 0 ? position : last));

/**
 * Appends the events that complete a run together with the run's seal, in one append to two
 * streams: the run's stream at the version `before` had, and the tenant ledger at its length. The
 * seal signs the chain the writer computed (`completed`: what `before` held, verified when it was
 * loaded or written, and these events), so it never re-reads the run. Another seal landing in the
 * ledger first (another run of the tenant) makes it try again at the ledger's new length; a
 * conflict on the run's stream is a concurrent writer, and stops it with nothing written. Returns
 * the position of the append's last event.
 */
export const appendSealedCompletion = async (
  deps: SealedCompletionDeps,
  before: RunStream,
  events: readonly NewEvent[],
  completed: RunStream,
): Promise<E.Either<SealedCompletionError, GlobalPosition>> => {
  const { tenantId, runId } = completed;
  const ledger = ledgerStreamId(tenantId);
  const runPart: StreamAppend = {
    tenantId,
    streamId: runStreamId(runId),
    expectedVersion: before.version,
    events,
  };
  const chain = sealedChainOf(completed);
  let runLanded: AppendResult | null = null;
  const notSealed = (cause: SealAppendFailure): E.Either<SealedCompletionError, never> =>
    E.left({ kind: 'seal_not_appended', run_id: runId, run_completed: runLanded !== null, cause });
  const failed = (error: EventStoreError) =>
    runLanded === null ? E.left({ kind: 'store' as const, error }) : notSealed({ kind: 'store', error });
  const unknownKey = deps.keySet ? sealingKeyProblem(deps.signer, deps.keySet) : null;
  if (unknownKey) return notSealed(unknownKey);
  for (let attempt = 1; attempt <= MAX_LEDGER_ATTEMPTS; attempt++) {
    const length = await deps.store.streamVersion(tenantId, ledger)();
    if (E.isLeft(length)) return failed(length.left);
    const seal = runSealedEvent(signedSeal(chain, deps.signer, deps.clock.now()));
    const sealPart: StreamAppend = {
      tenantId,
      streamId: ledger,
      expectedVersion: length.right,
      events: [seal],
    };
    const appended = await deps.store.appendToStreams(runLanded ? [sealPart] : [runPart, sealPart])();
    if (E.isRight(appended))
      return E.right(lastPositionOf([...(runLanded ? [runLanded] : []), ...appended.right]));
    runLanded = runLanded ?? appended.left.landed[0] ?? null;
    const { error } = appended.left;
    if (error.kind !== 'version_conflict' || error.streamId !== ledger) return failed(error);
    if (error.actual === error.expected) return notSealed({ kind: 'seal_refused' });
    await deps.clock.sleep(ledgerBackoffMs(attempt, deps.random ?? Math.random));
  }
  return notSealed({ kind: 'ledger_contended', attempts: MAX_LEDGER_ATTEMPTS });
};
