import type { InterruptedStepPolicy } from '../../domain/run/interrupted-step-policy.js';
import * as E from 'fp-ts/lib/Either.js';
import type { RunKeys } from '../ports/run-keys.js';
import { proveRun } from '../proof/prove-run.js';
import type { RunProof } from '../proof/run-proof.js';
import { resumeRun } from './resume-run.js';
import { projectAndProve, sealingWith, type RunAndProveDeps, type RunUseCaseError } from './run-and-prove.js';

/** A run resume refuses, having appended nothing: a sealed run whose events no longer match its
 * seal, or a completed run without a seal. */
export type ResumeRefused =
  | {
      readonly kind: 'run_sealed';
      readonly run_id: string;
      readonly ledger_index: number;
      readonly reason: string | null;
    }
  | { readonly kind: 'completed_without_seal'; readonly run_id: string; readonly reason: string | null };

export type ResumedRun = {
  readonly status: 'succeeded' | 'failed' | 'halted' | 'in_progress';
  /** The attempt the run is at, for a run that started. */
  readonly attempt: number | null;
  readonly proof: RunProof;
  /** The run had completed before: no step was run, nothing was appended. */
  readonly alreadyCompleted: boolean;
};

/** Why a run must not be resumed, from its proof before resuming; null when it may be. */
const refusalOf = (runId: string, before: RunProof): ResumeRefused | null => {
  // A run the tenant ledger already sealed is finished: if its events no longer reach the end
  // the seal records, they were cut by someone with write access, and resuming would run its
  // last steps (their side effects) a second time.
  if (before.sealed !== null && before.integrity.verification_status === 'FAILED')
    return {
      kind: 'run_sealed',
      run_id: runId,
      ledger_index: before.sealed.ledger_index,
      reason: before.integrity.failure_reason,
    };
  // A run is sealed with its completion: a completed run without a seal had its seal removed (its
  // history may have been rewritten since), or completed before that rule. Sealing it here would
  // vouch for whatever the store now holds, with the real key: only an operator does that.
  if (before.seal.status === 'unsealed')
    return { kind: 'completed_without_seal', run_id: runId, reason: before.integrity.failure_reason };
  return null;
};

/** Continues a run whose process died (its completion seals it) and proves it. A completed run is
 * proved as it is; one without a seal is refused. */
export const resumeAndProve = async (
  deps: RunAndProveDeps,
  keys: RunKeys,
  tenantId: string,
  runId: string,
  policy: InterruptedStepPolicy,
): Promise<E.Either<RunUseCaseError | ResumeRefused, ResumedRun>> => {
  const before = await proveRun(
    { store: deps.store, reads: deps.readModel.proofReads },
    tenantId,
    runId,
    keys.knownKeys,
  );
  // Without a verdict there is no telling whether the seal still holds: stop, resume nothing.
  if (E.isLeft(before)) return E.left({ kind: 'store', error: before.left });
  const refused = refusalOf(runId, before.right);
  if (refused !== null) return E.left(refused);
  const resumed = await resumeRun(sealingWith(deps, keys), tenantId, runId, policy);
  if (E.isLeft(resumed)) return resumed;
  const proof = await projectAndProve(deps, keys, resumed.right.stream);
  if (E.isLeft(proof)) return proof;
  const state = resumed.right.stream.state;
  return E.right({
    status: resumed.right.outcome?.status ?? 'in_progress',
    attempt: state.status === 'completed' || state.status === 'running' ? state.attempt : null,
    proof: proof.right,
    alreadyCompleted: before.right.found && before.right.seal.status === 'sealed',
  });
};
