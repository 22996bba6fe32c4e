import * as E from 'fp-ts/lib/Either.js';
import { describeDecodeErrors } from '../json/decode-error.js';
import type { SkillRegistry } from '../ports/skill.js';
import { MAX_PLAN_STEPS, MAX_RUN_STEPS, plannedStepCount, type Plan } from './plan.js';
import { stepReferenceProblems } from './step-references.js';

export type PlanProblem = {
  readonly step_index: number | null;
  readonly field: string;
  readonly message: string;
};

export type PlanLimits = {
  readonly budgetCents: number;
  readonly allowedHosts: readonly string[];
  readonly maxSteps?: number;
};

/** What is wrong with the plan's size: no step, more steps than allowed, more executed steps
 * (repeats counted) than a run may have. */
const sizeProblems = (plan: Plan, maxSteps: number): PlanProblem[] => {
  const problems: PlanProblem[] = [];
  if (plan.steps.length === 0)
    problems.push({ step_index: null, field: 'steps', message: 'a plan needs at least one step' });
  if (plan.steps.length > maxSteps)
    problems.push({
      step_index: null,
      field: 'steps',
      message: `a plan may have at most ${maxSteps} steps (got ${plan.steps.length})`,
    });
  const executed = plannedStepCount(plan);
  if (executed > MAX_RUN_STEPS)
    problems.push({
      step_index: null,
      field: 'steps',
      message: `a run may execute at most ${MAX_RUN_STEPS} steps, repeats counted (got ${executed})`,
    });
  return problems;
};

/** What is wrong with one step at `position`, whose first execution is step `first` of the run,
 * and what it declares it costs (0 when it cannot tell). */
const stepProblems = (
  step: Plan['steps'][number],
  position: number,
  first: number,
  skills: SkillRegistry,
  allowedHosts: readonly string[],
): { readonly problems: PlanProblem[]; readonly declaredCost: number } => {
  const problems: PlanProblem[] = [];
  if (step.index !== position)
    problems.push({
      step_index: position,
      field: 'index',
      message: `expected index ${position}, got ${step.index}`,
    });
  const skill = skills.get(step.skill);
  if (skill === undefined) {
    const known = skills
      .list()
      .map((s) => s.name)
      .join(', ');
    problems.push({
      step_index: position,
      field: 'skill',
      message: `unknown skill "${step.skill}" (known: ${known})`,
    });
    return { problems, declaredCost: 0 };
  }
  const params = skill.params.decode(step.params);
  if (E.isLeft(params)) {
    for (const line of describeDecodeErrors(params.left))
      problems.push({ step_index: position, field: 'params', message: line });
    return { problems, declaredCost: 0 };
  }
  for (const problem of stepReferenceProblems(step.params, first))
    problems.push({
      step_index: position,
      field: problem.path === '' ? 'params' : `params.${problem.path}`,
      message: `${problem.reference}: ${problem.message}`,
    });
  for (const problem of skill.validateInPlan(params.right, { stepIndex: first, allowedHosts }))
    problems.push({ step_index: position, field: `params.${problem.field}`, message: problem.message });
  return { problems, declaredCost: skill.estimateCostCents(params.right) * (step.repeat ?? 1) };
};

/** Everything wrong with a plan, before it is stored: step count, known skills, params that decode
 * with the skill's codec, per-skill checks (host policy, references only to earlier steps, so no
 * cycles), and declared cost within the budget. Empty: the plan may run. */
export const validatePlan = (plan: Plan, skills: SkillRegistry, limits: PlanLimits): PlanProblem[] => {
  const problems = sizeProblems(plan, limits.maxSteps ?? MAX_PLAN_STEPS);
  let declaredCost = 0;
  let firstExecutedIndex = 0;
  plan.steps.forEach((step, position) => {
    const checked = stepProblems(step, position, firstExecutedIndex, skills, limits.allowedHosts);
    firstExecutedIndex += step.repeat ?? 1;
    problems.push(...checked.problems);
    declaredCost += checked.declaredCost;
  });
  if (declaredCost > limits.budgetCents)
    problems.push({
      step_index: null,
      field: 'budget_cents',
      message: `plan declares ${declaredCost} cents, budget is ${limits.budgetCents}`,
    });
  return problems;
};

export const describePlanProblems = (problems: readonly PlanProblem[]): string =>
  problems
    .map((p) =>
      p.step_index === null ? `${p.field}: ${p.message}` : `steps[${p.step_index}].${p.field}: ${p.message}`,
    )
    .join('; ');
