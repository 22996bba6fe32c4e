import type { InterruptedStepPolicy } from '../../domain/run/interrupted-step-policy.js';
import * as E from 'fp-ts/lib/Either.js';
import type { RunKeys } from '../ports/run-keys.js';
import { proveRun } from '../proof/prove-run.js';
import type { RunProof } from '../proof/run-proof.js';
import { resumeRun } from './resume-run.js';
import { sealProjectProve, type RunAndProveDeps, type RunUseCaseError } from './run-and-prove.js';

/** A sealed run whose events no longer match its seal: it is not resumed. */
export type ResumeRefused = {
  readonly kind: 'run_sealed';
  readonly run_id: string;
  readonly ledger_index: number;
  readonly reason: string | null;
};

export type ResumedRun = {
  readonly status: 'succeeded' | 'failed' | 'halted' | 'in_progress';
  /** The attempt the run is at, for a run that started. */
  readonly attempt: number | null;
  readonly proof: RunProof;
  /** The run had completed before: no step was run. */
  readonly alreadyCompleted: boolean;
  /** It had completed without a seal, and is sealed now. */
  readonly sealedNow: boolean;
};

/** Continues a run whose process died, seals it when it completes, and proves it. */
export const resumeAndProve = async (
  deps: RunAndProveDeps,
  keys: RunKeys,
  tenantId: string,
  runId: string,
  policy: InterruptedStepPolicy,
): Promise<E.Either<RunUseCaseError | ResumeRefused, ResumedRun>> => {
  // A run the tenant ledger already sealed is finished: if its events no longer reach the end
  // the seal records, they were cut by someone with write access, and resuming would run its
  // last steps (their side effects) a second time.
  const before = await proveRun(
    { store: deps.store, reads: deps.readModel.proofReads },
    tenantId,
    runId,
    keys.knownKeys,
  );
  // Without a verdict there is no telling whether the seal still holds: stop, resume nothing.
  if (before._tag === 'Left') return E.left({ kind: 'store', error: before.left });
  if (before.right.sealed !== null && before.right.integrity.verification_status === 'FAILED')
    return E.left({
      kind: 'run_sealed',
      run_id: runId,
      ledger_index: before.right.sealed.ledger_index,
      reason: before.right.integrity.failure_reason,
    });
  const resumed = await resumeRun(deps, tenantId, runId, policy);
  if (resumed._tag === 'Left') return resumed;
  const proof = await sealProjectProve(deps, keys, resumed.right.stream);
  if (proof._tag === 'Left') return proof;
  const state = resumed.right.stream.state;
  const alreadyCompleted = before.right.found && before.right.seal.status !== 'not_completed';
  return E.right({
    status: resumed.right.outcome?.status ?? 'in_progress',
    attempt: state.status === 'completed' || state.status === 'running' ? state.attempt : null,
    proof: proof.right,
    alreadyCompleted,
    sealedNow: alreadyCompleted && before.right.seal.status === 'unsealed',
  });
};
