import type { RunRequest } from '../../domain/run/run-request.js';
import * as E from 'fp-ts/lib/Either.js';
import type { RunKeys } from '../ports/run-keys.js';
import type { RunProof } from '../proof/run-proof.js';
import { executeRunOnce } from './resume-run.js';
import { projectAndProve, sealingWith, type RunAndProveDeps, type RunUseCaseError } from './run-and-prove.js';

export type RunOnce = {
  readonly run_id: string;
  readonly status: 'succeeded' | 'failed' | 'halted' | 'in_progress';
  /** Whether this request created the run (else it returns the run the key already names). */
  readonly created: boolean;
  readonly proof: RunProof;
};

/** `aos run --idempotency-key K`: the first request creates, executes (sealed with its completion)
 * and proves the run; a later one returns it as it stands, executing and sealing nothing. */
export const runOnceAndProve = async (
  deps: RunAndProveDeps,
  request: RunRequest,
  key: string,
  keys: RunKeys,
): Promise<E.Either<RunUseCaseError, RunOnce>> => {
  const run = await executeRunOnce(sealingWith(deps, keys), request, key);
  if (run._tag === 'Left') return run;
  const proof = await projectAndProve(deps, keys, run.right.stream);
  return E.map((proved: RunProof) => ({
    run_id: run.right.stream.runId,
    status: run.right.outcome?.status ?? ('in_progress' as const),
    created: run.right.created,
    proof: proved,
  }))(proof);
};
