import * as t from 'io-ts';
import { closedObject } from '../json/closed-object.js';
import { intBetween } from '../json/bounded-codecs.js';
import { withinJsonDepth } from '../json/json-depth.js';
import { JsonObjectC } from '../json/json-value.js';

export const MAX_PLAN_STEPS = 50;

export const MAX_STEP_RETRIES = 10;
/** A run executes at most this many steps (a plan step with `repeat` stands for several). */
export const MAX_RUN_STEPS = 1_000_000;
export const MAX_STEP_TIMEOUT_MS = 600_000;

/** How a step is run: retries of retryable failures, its timeout, and whether the run goes on
 * after it fails. Optional in the template (the agent's defaults apply); the runner writes the
 * effective values into the stored plan, so the record says what limits the step ran under. */
const stepExecutionFields = {
  max_retries: intBetween(0, MAX_STEP_RETRIES),
  timeout_ms: intBetween(1, MAX_STEP_TIMEOUT_MS),
  on_failure: t.keyof({ stop: null, continue: null }),
  /** The step runs this many times in a row (a batch, a poll): one plan step, `repeat` executed
   * steps with consecutive step_index values. */
  repeat: intBetween(1, MAX_RUN_STEPS),
};

const PlanStepC = closedObject(
  'PlanStep',
  {
    index: intBetween(0, MAX_PLAN_STEPS - 1),
    skill: t.string,
    params: JsonObjectC,
  },
  stepExecutionFields,
);
export type PlanStep = t.TypeOf<typeof PlanStepC>;

/** The plan stored in `RunPlanned` before any step runs. */
export const PlanC = closedObject('Plan', {
  planner: t.string,
  planner_version: t.string,
  steps: t.array(PlanStepC),
});
export type Plan = t.TypeOf<typeof PlanC>;

const PlanTemplateStepC = closedObject(
  'PlanTemplateStep',
  { skill: t.string, params: JsonObjectC },
  stepExecutionFields,
);

/** An agent's plan template: `{{goal}}` in any string of the params is replaced by the run's goal. */
export const PlanTemplateC = closedObject('PlanTemplate', { steps: t.array(PlanTemplateStepC) });
export type PlanTemplate = t.TypeOf<typeof PlanTemplateC>;

/** A plan template as it comes from outside (a file): the whole document nests at most
 * MAX_JSON_DEPTH levels, checked before the codec walks it. */
export const PlanTemplateInputC = withinJsonDepth(PlanTemplateC);

/** How many steps the plan executes: each plan step counts `repeat` times. */
export const plannedStepCount = (plan: Pick<Plan, 'steps'>): number =>
  plan.steps.reduce((sum, step) => sum + (step.repeat ?? 1), 0);

/** The plan step that executed step `stepIndex` runs (repeats counted), or undefined past the end. */
export const planStepAt = (plan: Pick<Plan, 'steps'>, stepIndex: number): PlanStep | undefined => {
  let first = 0;
  for (const step of plan.steps) {
    const count = step.repeat ?? 1;
    if (stepIndex < first + count) return stepIndex >= first ? step : undefined;
    first += count;
  }
  return undefined;
};
