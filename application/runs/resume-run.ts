import { driveRun } from './drive-run.js';
import {
  outcomeOf,
  findAgent,
  applyRunCommand,
  type RunOutcome,
  type RunExecutionError,
  type RunExecutionDeps,
} from './run-execution.js';
import { type InterruptedStepPolicy } from '../../domain/run/interrupted-step-policy.js';
import { type RunRequest } from '../../domain/run/run-request.js';
import { runStreamId } from '../../domain/stream-names.js';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { idempotencyMismatch, runIdForIdempotencyKey } from '../../domain/run/idempotency-key.js';
import { executeRun } from './execute-run.js';
import type { StepExecuted } from '../../domain/run/run-events.js';
import { loadRunStream, stepRecordsOf, type RunStream } from '../../domain/run/run-stream.js';
import { interruptedStepPolicyAfter, lastResumeRecordedNothing } from '../../domain/run/stalled-resume.js';
import { cutOffByStoreFailure } from './run-cut-off.js';

export type ExistingRunError =
  | RunExecutionError
  | { readonly kind: 'run_not_found'; readonly run_id: string }
  | { readonly kind: 'idempotency_key_reused'; readonly run_id: string; readonly field: string };

/** A run as found: completed with its outcome, or still open (its process may be running or dead). */
export type FoundRun = { readonly stream: RunStream; readonly outcome: RunOutcome | null };

/** The run's stream and its step records (for data flow after a resume), or null when it has no events. */
const loadRun = async (
  deps: Pick<RunExecutionDeps, 'store'>,
  tenantId: string,
  runId: string,
): Promise<
  E.Either<ExistingRunError, { stream: RunStream; steps: StepExecuted[]; stalled: boolean } | null>
> => {
  const events = await deps.store.readStream(tenantId, runStreamId(runId))();
  if (E.isLeft(events)) return E.left({ kind: 'store', error: events.left });
  if (events.right.length === 0) return E.right(null);
  return pipe(
    loadRunStream(tenantId, runId, events.right),
    E.bimap(
      (error): ExistingRunError => ({ kind: 'stream', error }),
      (stream) => ({
        stream,
        steps: stepRecordsOf(events.right),
        stalled: lastResumeRecordedNothing(events.right),
      }),
    ),
  );
};

const found = (stream: RunStream): FoundRun => ({
  stream,
  outcome: stream.state.status === 'completed' ? outcomeOf(stream, stream.state.outcome) : null,
});

/**
 * Continues a run whose process stopped: from the first step with no `StepExecuted`. A running run
 * is claimed first with `RunStarted` (attempt + 1) at the version read, so of two processes
 * resuming (or one resuming while the original still runs) exactly one goes on; the other gets a
 * version conflict having appended nothing. The step that may have been in flight is run again if
 * its skill is idempotent for its params, else recorded as interrupted (unless `policy` is `rerun`).
 * A completed run is returned as it is.
 */
export const resumeRun = async (
  deps: RunExecutionDeps,
  tenantId: string,
  runId: string,
  policy: InterruptedStepPolicy,
): Promise<E.Either<ExistingRunError, FoundRun>> => {
  const loaded = await loadRun(deps, tenantId, runId);
  if (E.isLeft(loaded)) return loaded;
  if (loaded.right === null) return E.left({ kind: 'run_not_found', run_id: runId });
  let stream = loaded.right.stream;
  if (stream.state.status === 'completed' || stream.state.status === 'none') return E.right(found(stream));
  const agent = await findAgent(deps.store, tenantId, stream.state.run.agent_id);
  if (E.isLeft(agent)) return agent;
  if (agent.right === undefined)
    return E.left({
      kind: 'domain',
      error: { kind: 'agent_not_found', agent_id: stream.state.run.agent_id, tenant_id: tenantId },
    });
  const wasRunning = stream.state.status === 'running';
  const cutOff = cutOffByStoreFailure(stream);
  if (wasRunning) {
    const claimed = await applyRunCommand(deps, stream, { type: 'ResumeRun' });
    if (E.isLeft(claimed)) return E.left(cutOff(claimed.left));
    stream = claimed.right;
  }
  const interrupted = wasRunning ? interruptedStepPolicyAfter(policy, loaded.right.stalled) : null;
  const driven = await driveRun(deps, stream, agent.right, interrupted, loaded.right.steps);
  return pipe(
    driven,
    E.bimap(cutOff, (outcome) => ({ stream: outcome.stream, outcome })),
  );
};

/**
 * `aos run --idempotency-key K`: the key names the run (see runIdForIdempotencyKey). The first
 * request creates and executes it; any later one with the same key returns that run as it stands
 * (completed, or still open) and executes nothing, unless it asks for something else under the
 * same key, which is refused naming the field.
 */
export const executeRunOnce = async (
  deps: RunExecutionDeps,
  request: RunRequest,
  key: string,
): Promise<E.Either<ExistingRunError, FoundRun & { readonly created: boolean }>> => {
  const runId = runIdForIdempotencyKey(request.tenant_id, key);
  const existing = async (): Promise<
    E.Either<ExistingRunError, FoundRun & { readonly created: boolean }>
  > => {
    const loaded = await loadRun(deps, request.tenant_id, runId);
    if (E.isLeft(loaded)) return loaded;
    const stream = loaded.right?.stream ?? null;
    if (stream === null || stream.state.status === 'none')
      return E.left({ kind: 'run_not_found', run_id: runId });
    const mismatch = idempotencyMismatch(stream.state.run, request);
    if (mismatch !== null) return E.left({ kind: 'idempotency_key_reused', run_id: runId, field: mismatch });
    return E.right({ ...found(stream), created: false });
  };
  const before = await existing();
  if (E.isRight(before) || before.left.kind !== 'run_not_found') return before;
  const executed = await executeRun(deps, request, runId);
  if (E.isRight(executed))
    return E.right({ stream: executed.right.stream, outcome: executed.right, created: true });
  // Another request with the same key created the run first: answer with that run.
  const lostRace =
    executed.left.kind === 'store' &&
    executed.left.error.kind === 'version_conflict' &&
    executed.left.error.expected === 0;
  return lostRace ? existing() : executed;
};
