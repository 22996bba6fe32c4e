import type { Plan, PlanTemplate } from '../plan/plan.js';

export type PlanningInput = { readonly goal: string; readonly template: PlanTemplate };

/** Turns a goal into a plan before anything executes. */
export interface Planner {
  readonly name: string;
  readonly version: string;
  plan(input: PlanningInput): Promise<Plan>;
}
