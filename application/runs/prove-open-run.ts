import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { EventStoreError } from '../../domain/ports/event-store.js';
import type { RunStream } from '../../domain/run/run-stream.js';
import { runStreamId } from '../../domain/stream-names.js';
import { lastRunEvent } from '../projections/catch-up.js';
import type { RunKeys } from '../ports/run-keys.js';
import { proveRun } from '../proof/prove-run.js';
import type { RunProof } from '../proof/run-proof.js';
import { cutOffByStoreFailure } from './run-cut-off.js';
import type { RunAndProveDeps, RunUseCaseError } from './run-and-prove.js';

/** How long a request proves a run that keeps growing before it answers `still_running`. */
const OPEN_RUN_PROOF_PATIENCE_MS = 20_000;

const storeFailureOf =
  (stream: RunStream) =>
  (error: EventStoreError): RunUseCaseError =>
    cutOffByStoreFailure(stream)({ kind: 'store', error });

/** Brings the projections up to the run's last event as the store holds it now (another process
 * may have appended since this request read the run); returns how many events the run had then. */
const projectToLastEvent = async (
  deps: RunAndProveDeps,
  stream: RunStream,
): Promise<E.Either<RunUseCaseError, number>> => {
  const last = await lastRunEvent(deps.store, stream.tenantId, stream.runId);
  if (E.isLeft(last)) return E.left(storeFailureOf(stream)(last.left));
  if (last.right === null) return E.right(0);
  const { globalPosition, seq } = last.right;
  return pipe(
    await deps.readModel.projections.waitFor(globalPosition),
    E.bimap(
      (error): RunUseCaseError => ({ kind: 'projection_failed', run_id: stream.runId, error }),
      () => seq + 1,
    ),
  );
};

/**
 * Proves a run found open (not completed), which another process may be writing right now: the
 * projections are brought up to its last event, then it is proved. A divergence in the projections
 * is only a verdict when the run's stream did not grow while it was proved (else its rows may just
 * lag its newest events, another process's): then it is proved again, until the stream stands
 * still during a proof; a run that outpaces its proofs for OPEN_RUN_PROOF_PATIENCE_MS is
 * `still_running`. FAILED is only ever a divergence found with every event projected.
 */
export const proveOpenRun = async (
  deps: RunAndProveDeps,
  keys: RunKeys,
  stream: RunStream,
): Promise<E.Either<RunUseCaseError, RunProof>> => {
  const started = deps.clock.monotonicMs();
  const sources = { store: deps.store, reads: deps.readModel.proofReads };
  for (;;) {
    const projected = await projectToLastEvent(deps, stream);
    if (E.isLeft(projected)) return projected;
    const proof = await proveRun(sources, stream.tenantId, stream.runId, keys.knownKeys);
    if (E.isLeft(proof)) return E.left(storeFailureOf(stream)(proof.left));
    if (proof.right.integrity.divergence?.source !== 'projection') return proof;
    const version = await deps.store.streamVersion(stream.tenantId, runStreamId(stream.runId))();
    if (E.isLeft(version)) return E.left(storeFailureOf(stream)(version.left));
    if (version.right === projected.right) return proof;
    const waited = deps.clock.monotonicMs() - started;
    if (waited >= OPEN_RUN_PROOF_PATIENCE_MS)
      return E.left({ kind: 'still_running', run_id: stream.runId, waited_ms: Math.round(waited) });
  }
};
