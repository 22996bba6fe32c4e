import type { RunRequest } from '../domain/run/run-request.js';
import type { RunProof } from '../application/proof/run-proof.js';

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
  // The same names as `aos proof --json`: trace_count (its aos_traces rows), step_count, the seal.
  trace_count: proof.aos_traces.length,
  step_count: proof.step_count,
  integrity: proof.integrity,
  seal: proof.seal,
});
