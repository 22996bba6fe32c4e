import { type RunOutcome } from './run-execution.js';
import { type RunExecutionDeps } from './run-execution.js';
import { type RunRequest } from '../../domain/run/run-request.js';
import * as E from 'fp-ts/lib/Either.js';
import type { SealingError } from '../ledger/seal-run.js';
import { sealRun } from '../ledger/seal-run.js';
import type { EventStoreError } from '../../domain/ports/event-store.js';
import type { RunStream } from '../../domain/run/run-stream.js';
import type { ProjectionError, ReadModel } from '../ports/read-model.js';
import type { RunKeys } from '../ports/run-keys.js';
import { proveRun } from '../proof/prove-run.js';
import type { RunProof } from '../proof/run-proof.js';
import { executeRun } from './execute-run.js';
import type { ExistingRunError } from './resume-run.js';
import { cutOffByStoreFailure } from './run-cut-off.js';

/** What running and proving a run needs: the execution's ports and the read model. */
export type RunAndProveDeps = RunExecutionDeps & { readonly readModel: ReadModel };

/** A run recorded, but not brought to its proof: not sealed, not projected, or written by another
 * process faster than it could be proved. */
export type AfterRunError =
  | {
      readonly kind: 'seal_failed';
      readonly run_id: string;
      readonly outcome: string | null;
      readonly error: SealingError;
    }
  | { readonly kind: 'projection_failed'; readonly run_id: string; readonly error: ProjectionError }
  | { readonly kind: 'still_running'; readonly run_id: string; readonly waited_ms: number };

export type RunUseCaseError = ExistingRunError | AfterRunError;

/** A read of a recorded run that the store failed: the run is named (cut off), for `aos runs resume`. */
const storeErrorOf =
  (stream: RunStream) =>
  (error: EventStoreError): RunUseCaseError =>
    cutOffByStoreFailure(stream)({ kind: 'store', error });

const proofOf = (deps: RunAndProveDeps, stream: RunStream, keys: RunKeys) =>
  proveRun(
    { store: deps.store, reads: deps.readModel.proofReads },
    stream.tenantId,
    stream.runId,
    keys.knownKeys,
  );

/** Seals a completed run that has no valid seal yet (a run this process just completed has none;
 * an existing one is checked first). */
const sealIfDue = async (
  deps: RunAndProveDeps,
  keys: RunKeys,
  stream: RunStream,
  justCompleted: boolean,
): Promise<E.Either<RunUseCaseError, void>> => {
  if (stream.state.status !== 'completed') return E.right(undefined);
  if (!justCompleted) {
    const before = await proofOf(deps, stream, keys);
    if (before._tag === 'Left') return E.left(storeErrorOf(stream)(before.left));
    if (before.right.seal.status === 'sealed') return E.right(undefined);
  }
  const sealed = await sealRun(
    { store: deps.store, signer: keys.signer, clock: deps.clock, keySet: keys.knownKeys },
    stream.tenantId,
    stream.runId,
  );
  return sealed._tag === 'Left'
    ? E.left({ kind: 'seal_failed', run_id: stream.runId, outcome: stream.state.outcome, error: sealed.left })
    : E.right(undefined);
};

/** After a run is completed (or left open): seal it when completed and not yet sealed, wait until
 * the projections hold its events, prove it. */
export const sealProjectProve = async (
  deps: RunAndProveDeps,
  keys: RunKeys,
  stream: RunStream,
  options: { readonly justCompleted?: boolean } = {},
): Promise<E.Either<RunUseCaseError, RunProof>> => {
  const sealed = await sealIfDue(deps, keys, stream, options.justCompleted ?? false);
  if (sealed._tag === 'Left') return sealed;
  if (stream.lastPosition) {
    const projected = await deps.readModel.projections.waitFor(stream.lastPosition);
    if (projected._tag === 'Left')
      return E.left({ kind: 'projection_failed', run_id: stream.runId, error: projected.left });
  }
  return E.mapLeft(storeErrorOf(stream))(await proofOf(deps, stream, keys));
};

/** The main job: execute the run, seal it, wait until the projections hold all its events, prove it. */
export const runAndProve = async (
  deps: RunAndProveDeps,
  request: RunRequest,
  keys: RunKeys,
): Promise<E.Either<RunUseCaseError, { readonly outcome: RunOutcome; readonly proof: RunProof }>> => {
  const executed = await executeRun(deps, request);
  if (executed._tag === 'Left') return executed;
  const proof = await sealProjectProve(deps, keys, executed.right.stream, { justCompleted: true });
  return E.map((proved: RunProof) => ({ outcome: executed.right, proof: proved }))(proof);
};
