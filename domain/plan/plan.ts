import * as t from 'io-ts';
import { closedObject } from '../json/closed-object.js';
import { intBetween } from '../json/bounded-codecs.js';
import { JsonObjectC } from '../json/json-value.js';

export const MAX_PLAN_STEPS = 50;

export const PlanStepC = closedObject('PlanStep', {
  index: intBetween(0, MAX_PLAN_STEPS - 1),
  skill: t.string,
  params: JsonObjectC,
});
export type PlanStep = t.TypeOf<typeof PlanStepC>;

/** The plan stored in `RunPlanned` before any step runs. */
export const PlanC = closedObject('Plan', {
  planner: t.string,
  planner_version: t.string,
  steps: t.array(PlanStepC),
});
export type Plan = t.TypeOf<typeof PlanC>;

export const PlanTemplateStepC = closedObject('PlanTemplateStep', { skill: t.string, params: JsonObjectC });

/** An agent's plan template: `{{goal}}` in any string of the params is replaced by the run's goal. */
export const PlanTemplateC = closedObject('PlanTemplate', { steps: t.array(PlanTemplateStepC) });
export type PlanTemplate = t.TypeOf<typeof PlanTemplateC>;
