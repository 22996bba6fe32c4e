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
  }
};
