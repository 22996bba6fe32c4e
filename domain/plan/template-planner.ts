import type { JsonValue } from '../json/json-value.js';
import type { Planner } from '../ports/planner.js';
import type { Plan, PlanTemplate } from './plan.js';

const GOAL_PLACEHOLDER = /\{\{\s*goal\s*\}\}/g;

const substituteGoal = (value: JsonValue, goal: string): JsonValue => {
  if (typeof value === 'string') return value.replace(GOAL_PLACEHOLDER, () => goal);
  if (Array.isArray(value)) return value.map((item) => substituteGoal(item, goal));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substituteGoal(item, goal)]));
  }
  return value;
};

/** The plan an agent's template gives for a goal: its steps in order, `{{goal}}` replaced. */
export const planFromTemplate = (template: PlanTemplate, goal: string): Plan => ({
  planner: 'template',
  planner_version: '1',
  steps: template.steps.map(({ skill, params, ...execution }, index) => ({
    index,
    skill,
    params: substituteGoal(params, goal) as { [key: string]: JsonValue },
    ...execution,
  })),
});

export const templatePlanner: Planner = {
  name: 'template',
  version: '1',
  plan: async ({ goal, template }) => planFromTemplate(template, goal),
};
