import type { RunOutcome, RunExecutionDeps } from './run-execution.js';
import { type RunRequest } from '../../domain/run/run-request.js';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { EventStoreError } from '../../domain/ports/event-store.js';
import type { RunStream } from '../../domain/run/run-stream.js';
import type { ProjectionError, ReadModel } from '../ports/read-model.js';
import type { RunKeys } from '../ports/run-keys.js';
import { proveRun } from '../proof/prove-run.js';
import type { RunProof } from '../proof/run-proof.js';
import { executeRun } from './execute-run.js';
import type { ExistingRunError } from './resume-run.js';
import { cutOffByStoreFailure } from './run-cut-off.js';

/** What running and proving a run needs: the execution's ports (the signing key comes with the
 * run keys) and the read model. */
export type RunAndProveDeps = Omit<RunExecutionDeps, 'signer'> & { readonly readModel: ReadModel };

/** A run recorded (and, when completed, sealed with its completion), but not brought to its proof:
 * not projected, or written by another process faster than it could be proved. */
export type AfterRunError =
  | { readonly kind: 'projection_failed'; readonly run_id: string; readonly error: ProjectionError }
  | { readonly kind: 'still_running'; readonly run_id: string; readonly waited_ms: number };

export type RunUseCaseError = ExistingRunError | AfterRunError;

/** A read of a recorded run that the store failed: the run is named (cut off), for `aos runs resume`. */
const storeErrorOf =
  (stream: RunStream) =>
  (error: EventStoreError): RunUseCaseError =>
    cutOffByStoreFailure(stream)({ kind: 'store', error });

/** The execution's ports with the active signing key, which seals a run as it completes, and the
 * key set it must be in. */
export const sealingWith = (deps: RunAndProveDeps, keys: RunKeys): RunExecutionDeps => ({
  ...deps,
  signer: keys.signer,
  keySet: keys.knownKeys,
});

/** After a run was written (completed and sealed, or left open): wait until the projections hold
 * its last append, and prove it. Seals nothing: a run is sealed only with its completion (or late,
 * by an operator). */
export const projectAndProve = async (
  deps: RunAndProveDeps,
  keys: RunKeys,
  stream: RunStream,
): Promise<E.Either<RunUseCaseError, RunProof>> => {
  if (stream.lastPosition) {
    const projected = await deps.readModel.projections.waitFor(stream.lastPosition);
    if (E.isLeft(projected))
      return E.left({ kind: 'projection_failed', run_id: stream.runId, error: projected.left });
  }
  const proof = await proveRun(
    { store: deps.store, reads: deps.readModel.proofReads },
    stream.tenantId,
    stream.runId,
    keys.knownKeys,
  );
  return pipe(proof, E.mapLeft(storeErrorOf(stream)));
};

/** The main job: execute the run (sealed with its completion), wait until the projections hold all
 * its events, prove it. */
export const runAndProve = async (
  deps: RunAndProveDeps,
  request: RunRequest,
  keys: RunKeys,
): Promise<E.Either<RunUseCaseError, { readonly outcome: RunOutcome; readonly proof: RunProof }>> => {
  const executed = await executeRun(sealingWith(deps, keys), request);
  if (E.isLeft(executed)) return executed;
  const outcome = executed.right;
  return pipe(
    await projectAndProve(deps, keys, outcome.stream),
    E.map((proof) => ({ outcome, proof })),
  );
};
