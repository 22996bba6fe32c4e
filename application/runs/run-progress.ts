import type { StepExecuted } from '../../domain/run/run-events.js';

/** Who watches a run as it executes (the CLI prints signs of life from it): told the run's id once
 * its creation is recorded, before any step runs, and each step's record as the step ends. It
 * only watches: what it does changes nothing of the run. */
export type RunProgress = {
  readonly opened: (runId: string) => void;
  readonly stepEnded: (record: StepExecuted) => void;
};
