import type { InterruptedStepPolicy } from './interrupted-step-policy.js';
import type { StepExecuted } from './run-events.js';
import { interruptionMessage } from './stalled-resume.js';

/** The record of a non-idempotent step that may have been running when its process died: it is
 * not run again (it may have had its effect), and the record says why. */
export const interruptedStep = (
  index: number,
  skill: string,
  params: StepExecuted['params'],
  attempt: number,
  policy: InterruptedStepPolicy,
): StepExecuted => ({
  step_index: index,
  skill,
  params,
  status: 'failed',
  outcome: {
    category: 'interrupted',
    code: 'STEP_INTERRUPTED',
    data: { message: interruptionMessage(policy, skill, attempt) },
  },
  cost_cents: 0,
  duration_ms: 0,
  retry_count: 0,
});
