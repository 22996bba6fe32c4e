import type * as E from 'fp-ts/lib/Either.js';
import type { ExistingRunError } from '../domain/run/run-resumption.js';
import type { RunExecutionDeps, RunOutcome, RunRequest } from '../domain/run/run-execution.js';
import type { RunStream } from '../domain/run/run-stream.js';
import type { RunProof } from '../projections/run-proof.js';
import { CliFailure, notFound, usageError } from './cli-failure.js';
import { ExitCode } from './exit-codes.js';
import { describeRunExecutionError } from './run-execution-messages.js';
import { storeFailure, type Runtime } from './runtime.js';
import type { RunKeys } from './signing-keys.js';

/** What executing a run needs, from the runtime and the environment: secrets come from
 * `AOS_SECRET_<NAME>` at execution time, extra redaction patterns from `AOS_REDACT_KEYS`. */
export const runExecutionDeps = async (
  runtime: Runtime,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunExecutionDeps> => {
  const [{ templatePlanner }, { systemClock }, { randomIds }, { redactionPolicyFromEnv }] = await Promise.all(
    [
      import('../domain/plan/template-planner.js'),
      import('../adapters/system-clock.js'),
      import('../adapters/random-ids.js'),
      import('./redaction-config.js'),
    ],
  );
  return {
    store: runtime.store,
    skills: runtime.skills,
    planner: templatePlanner,
    clock: systemClock,
    ids: randomIds,
    random: Math.random,
    secret: (name) => env[`AOS_SECRET_${name}`],
    redaction: redactionPolicyFromEnv(env),
  };
};

/** Turns a run that could not be recorded (or found) into the CLI's failure. */
export const runFailure = (error: ExistingRunError, tenantId: string, agentId?: string): CliFailure => {
  switch (error.kind) {
    case 'run_not_found':
      return notFound(`run ${error.run_id} not found in tenant ${tenantId}`);
    case 'idempotency_key_reused':
      return usageError(
        'idempotency-key',
        `is already used by run ${error.run_id} with a different ${error.field}; nothing was written`,
      );
    case 'domain':
      if (error.error.kind === 'agent_not_found')
        return notFound(
          `agent ${agentId ?? error.error.agent_id} not found in tenant ${tenantId}; nothing was written`,
        );
      return new CliFailure(ExitCode.failed, 'run_not_recorded', describeRunExecutionError(error));
    case 'store':
      if (error.error.kind === 'version_conflict') {
        return new CliFailure(
          ExitCode.failed,
          'concurrent_writer',
          `another process is executing this run (it appended to ${error.error.streamId} first: expected version ${error.error.expected}, found ${error.error.actual}); this one stopped, and the append it was making wrote nothing`,
        );
      }
      return storeFailure(error.error);
    default:
      return new CliFailure(ExitCode.failed, 'run_not_recorded', describeRunExecutionError(error));
  }
};

export const orFail = <A>(result: E.Either<ExistingRunError, A>, tenantId: string, agentId?: string): A => {
  if (result._tag === 'Left') throw runFailure(result.left, tenantId, agentId);
  return result.right;
};

/** After a run is completed (or left open): seal it when completed and not yet sealed, wait until
 * the projections hold its events, prove it. */
export const sealProjectProve = async (
  runtime: Runtime,
  keys: RunKeys,
  stream: RunStream,
  options: { readonly justCompleted?: boolean } = {},
): Promise<RunProof> => {
  const [{ systemClock }, { waitForProjections }, { proveRun }, { sealRun }] = await Promise.all([
    import('../adapters/system-clock.js'),
    import('../projections/projector.js'),
    import('../projections/run-proof.js'),
    import('../domain/ledger/run-sealing.js'),
  ]);
  const { pool, store } = runtime;
  if (stream.state.status === 'completed') {
    // A run this process just completed has no seal yet; an existing one is checked first.
    const before = options.justCompleted
      ? null
      : await proveRun(pool, store, stream.tenantId, stream.runId, keys.knownKeys);
    if (before?._tag === 'Left') throw storeFailure(before.left);
    if (before === null || before.right.seal.status !== 'sealed') {
      const sealed = await sealRun(
        { store, signer: keys.signer, clock: systemClock, keySet: keys.knownKeys },
        stream.tenantId,
        stream.runId,
      );
      if (sealed._tag === 'Left') {
        throw new CliFailure(
          ExitCode.infrastructure,
          'seal_failed',
          `run ${stream.runId} is recorded (${stream.state.outcome}) but could not be sealed: ${JSON.stringify(sealed.left)}`,
        );
      }
    }
  }
  if (stream.lastPosition) {
    const projected = await waitForProjections(pool, store, stream.lastPosition);
    if (projected._tag === 'Left') {
      throw new CliFailure(
        ExitCode.infrastructure,
        'projection_failed',
        `run ${stream.runId} is recorded, but projecting it failed: ${JSON.stringify(projected.left, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`,
      );
    }
  }
  const proof = await proveRun(pool, store, stream.tenantId, stream.runId, keys.knownKeys);
  if (proof._tag === 'Left') throw storeFailure(proof.left);
  return proof.right;
};

/** The main job: execute the run, seal it, wait until the projections hold all its events, prove it. */
export const runAndProve = async (
  runtime: Runtime,
  request: RunRequest,
  keys: RunKeys,
): Promise<{ outcome: RunOutcome; proof: RunProof }> => {
  const { executeRun } = await import('../domain/run/run-execution.js');
  const executed = orFail(
    await executeRun(await runExecutionDeps(runtime), request),
    request.tenant_id,
    request.agent_id,
  );
  return {
    outcome: executed,
    proof: await sealProjectProve(runtime, keys, executed.stream, { justCompleted: true }),
  };
};

/** Why a run failed or halted, as its trace row records it (from its RunCompleted), or null. */
const runError = (proof: RunProof): { code: string; message: string | null } | null => {
  const trace = proof.aos_traces[0];
  return trace && typeof trace.error_code === 'string'
    ? {
        code: trace.error_code,
        message: typeof trace.error_message === 'string' ? trace.error_message : null,
      }
    : null;
};

/** `aos run --json`'s document. */
export const runDocument = (
  request: RunRequest,
  outcome: { run_id: string; tenant_id: string; status: string },
  proof: RunProof,
) => ({
  run_id: outcome.run_id,
  tenant_id: outcome.tenant_id,
  agent_id: request.agent_id,
  origin_system_id: request.origin_system_id,
  status: outcome.status,
  error: runError(proof),
  trace_rows: proof.aos_traces.length,
  step_count: proof.step_count,
  integrity: proof.integrity,
});
