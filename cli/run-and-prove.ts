import type { RunOutcome, RunRequest } from '../domain/run/run-execution.js';
import type { RunProof } from '../projections/run-proof.js';
import { CliFailure, notFound } from './cli-failure.js';
import { ExitCode } from './exit-codes.js';
import { describeRunExecutionError } from './run-execution-messages.js';
import { storeFailure, type Runtime } from './runtime.js';
import type { RunKeys } from './signing-keys.js';

const STEP_TIMEOUT_MS = 60_000;

/** The main job: execute the run, seal it, wait until the projections hold all its events, prove it. */
export const runAndProve = async (runtime: Runtime, request: RunRequest, keys: RunKeys): Promise<{ outcome: RunOutcome; proof: RunProof }> => {
  const [{ executeRun }, { templatePlanner }, { systemClock }, { randomIds }, { waitForProjections }, { proveRun }, { sealRun }] = await Promise.all([
    import('../domain/run/run-execution.js'),
    import('../domain/plan/template-planner.js'),
    import('../adapters/system-clock.js'),
    import('../adapters/random-ids.js'),
    import('../projections/projector.js'),
    import('../projections/run-proof.js'),
    import('../domain/ledger/run-sealing.js'),
  ]);
  const { pool, store, skills } = runtime;
  const executed = await executeRun(
    { store, skills, planner: templatePlanner, clock: systemClock, ids: randomIds, stepTimeoutMs: STEP_TIMEOUT_MS },
    request,
  );
  if (executed._tag === 'Left') {
    const error = executed.left;
    if (error.kind === 'domain' && error.error.kind === 'agent_not_found') {
      throw notFound(`agent ${request.agent_id} not found in tenant ${request.tenant_id}; nothing was written`);
    }
    if (error.kind === 'store') throw storeFailure(error.error);
    throw new CliFailure(ExitCode.failed, 'run_not_recorded', describeRunExecutionError(error));
  }
  const outcome = executed.right;
  const sealed = await sealRun({ store, signer: keys.signer, clock: systemClock }, request.tenant_id, outcome.run_id);
  if (sealed._tag === 'Left') {
    throw new CliFailure(ExitCode.infrastructure, 'seal_failed', `run ${outcome.run_id} is recorded (${outcome.status}) but could not be sealed: ${JSON.stringify(sealed.left)}`);
  }
  if (outcome.stream.lastPosition) {
    const projected = await waitForProjections(pool, store, outcome.stream.lastPosition);
    if (projected._tag === 'Left') {
      throw new CliFailure(ExitCode.infrastructure, 'projection_failed', `run ${outcome.run_id} is recorded, but projecting it failed: ${JSON.stringify(projected.left, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`);
    }
  }
  const proof = await proveRun(pool, store, request.tenant_id, outcome.run_id, keys.knownKeys);
  if (proof._tag === 'Left') throw storeFailure(proof.left);
  return { outcome, proof: proof.right };
};

/** `aos run --json`'s document. */
export const runDocument = (request: RunRequest, outcome: RunOutcome, proof: RunProof) => ({
  run_id: outcome.run_id,
  tenant_id: outcome.tenant_id,
  agent_id: request.agent_id,
  origin_system_id: request.origin_system_id,
  status: outcome.status,
  trace_rows: proof.aos_traces.length,
  step_count: proof.aos_trace_steps.length,
  integrity: proof.integrity,
});
