import type { RunRequest } from '../../domain/run/run-request.js';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { RunKeys } from '../ports/run-keys.js';
import type { RunProof } from '../proof/run-proof.js';
import { proveOpenRun } from './prove-open-run.js';
import { executeRunOnce } from './resume-run.js';
import { projectAndProve, sealingWith, type RunAndProveDeps, type RunUseCaseError } from './run-and-prove.js';

export type RunOnce = {
  readonly run_id: string;
  /** Where the run was when this request found it (`in_progress`: not completed). */
  readonly status: 'succeeded' | 'failed' | 'halted' | 'in_progress';
  /** Whether this request created the run (else it returns the run the key already names). */
  readonly created: boolean;
  readonly proof: RunProof;
};

/** `aos run --idempotency-key K`: the first request creates, executes (sealed with its completion)
 * and proves the run; a later one returns it as it stands, executing and sealing nothing: a
 * completed run proved (one without a seal fails its proof), a run still open proved as far as it
 * is recorded (proveOpenRun: another process may be writing it). */
export const runOnceAndProve = async (
  deps: RunAndProveDeps,
  request: RunRequest,
  key: string,
  keys: RunKeys,
): Promise<E.Either<RunUseCaseError, RunOnce>> => {
  const run = await executeRunOnce(sealingWith(deps, keys), request, key);
  if (E.isLeft(run)) return run;
  const { stream, outcome, created } = run.right;
  return pipe(
    outcome === null ? await proveOpenRun(deps, keys, stream) : await projectAndProve(deps, keys, stream),
    E.map((proof) => ({
      run_id: stream.runId,
      status: outcome?.status ?? ('in_progress' as const),
      created,
      proof,
    })),
  );
};
