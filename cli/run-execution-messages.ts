import type { RunExecutionError } from '../application/runs/run-execution.js';

/** Human text for a run that could not be recorded. */
export const describeRunExecutionError = (error: RunExecutionError): string => {
  switch (error.kind) {
    case 'domain':
      return `the run was refused: ${JSON.stringify(error.error)}`;
    case 'store':
      return `the event store refused the write: ${JSON.stringify(error.error)}`;
    case 'stream':
      return `the run stream is not consistent: ${JSON.stringify(error.error)}`;
    case 'run_cut_off':
      return `the event store failed while run ${error.run_id} executed: ${JSON.stringify(error.error)}`;
    case 'stored_agent_invalid':
      return `the agent's stored definition does not decode: ${error.message}`;
    case 'seal_not_appended':
      return error.run_completed
        ? `run ${error.run_id} completed, but its seal could not be appended after its completion (${JSON.stringify(error.cause)}): the store appends them one after the other (docs/EVENTSTOREDB.md); its proof fails until an operator who has checked its history seals it late with aos-int runs seal-late`
        : `run ${error.run_id} is not completed: its completion and its seal are appended together, and the seal could not be (${JSON.stringify(error.cause)}); nothing of the completion was written`;
    case 'planner_not_configured':
      return `the run was refused, nothing was written: ${error.message}`;
    case 'observed_agent':
      return `agent ${error.agent_id} is recorded from the traces it sends to aos serve; it does not run here, and nothing was written`;
    case 'completion_without_signer':
      return `run ${error.run_id} cannot be completed without a signing key to seal it; nothing was written`;
  }
};
