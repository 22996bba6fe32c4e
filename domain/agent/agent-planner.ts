import * as t from 'io-ts';
import { intBetween, stringUpTo } from '../json/bounded-codecs.js';
import { closedObject } from '../json/closed-object.js';
import { PlanTemplateC } from '../plan/plan.js';

/** A plan written by a language model has at most this many steps (repeats counted). */
export const MAX_MODEL_PLAN_STEPS = 25;
/** How many times an invalid answer is sent back with its validation errors, unless the agent says. */
export const DEFAULT_REPAIR_ATTEMPTS = 2;
export const MAX_REPAIR_ATTEMPTS = 5;
export const MAX_INSTRUCTIONS_LENGTH = 20_000;

const InstructionsC = stringUpTo('Instructions', MAX_INSTRUCTIONS_LENGTH);

const TemplatePlannerC = closedObject('TemplatePlanner', {
  kind: t.literal('template'),
  plan_template: PlanTemplateC,
});

/** An agent whose plans a language model writes from each run's goal (docs/EVENTS.md). */
const ModelPlannerC = closedObject('ModelPlanner', {
  kind: t.literal('llm'),
  /** What the agent is for and how it should work: given to the model before the goal. */
  instructions: InstructionsC,
  /** The step ceiling of its plans, repeats counted. */
  max_steps: intBetween(1, MAX_MODEL_PLAN_STEPS),
  /** Answers sent back with their validation errors before the run fails PLANNING_FAILED. */
  repair_attempts: intBetween(0, MAX_REPAIR_ATTEMPTS),
  /** The skills its plans may use (the manifest the model is given holds only these). */
  skills: t.array(t.string),
});

/** An agent that runs elsewhere and is recorded from its traces (`aos serve`, docs/OBSERVED-RUNS.md):
 * registered on first sight; nothing plans or runs its runs here. */
const ObservedPlannerC = closedObject('ObservedPlanner', {
  kind: t.literal('observed'),
  /** The resource's `service.name` of the spans it was first seen in. */
  service_name: t.string,
});

export const AgentPlannerC = t.union([TemplatePlannerC, ModelPlannerC, ObservedPlannerC]);
export type AgentPlanner = t.TypeOf<typeof AgentPlannerC>;
export type ModelPlanner = t.TypeOf<typeof ModelPlannerC>;

/** The template of a template-planned agent; null when a model writes its plans. */
export const planTemplateOf = (planner: AgentPlanner): t.TypeOf<typeof PlanTemplateC> | null =>
  planner.kind === 'template' ? planner.plan_template : null;
