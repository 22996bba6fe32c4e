import type { AgentRegistered } from '../../domain/agent/agent-events.js';
import { describePlanProblems, validatePlan } from '../../domain/plan/plan-validation.js';
import {
  DEFAULT_MAX_RETRIES,
  DEFAULT_STEP_TIMEOUT_MS,
  withStepDefaults,
} from '../../domain/plan/step-defaults.js';
import { planFromTemplate } from '../../domain/plan/template-planner.js';
import type { Planner } from '../../domain/ports/planner.js';
import type { SkillRegistry } from '../../domain/ports/skill.js';
import type { RunCommand } from '../../domain/run/run-decider.js';
import type { RunCreated } from '../../domain/run/run-events.js';

/** The secret and step references in params, as text: a goal must not change them. */
const referencesOf = (params: unknown): string =>
  JSON.stringify(JSON.stringify(params).match(/\{\{\s*(?:secret:|steps\.)[^}]*\}\}/g) ?? []);
const NEUTRAL_GOAL = 'goal';

/** What a new run appends before anything executes, in one append: its plan (validated: stored
 * before any step) and its start, or, for a plan that is not valid, its failure. */
export const openingCommands = async (
  deps: { readonly planner: Planner; readonly skills: SkillRegistry },
  run: RunCreated,
  agent: AgentRegistered,
): Promise<RunCommand[]> => {
  const planned = await deps.planner.plan({ goal: run.goal, template: agent.plan_template });
  const plan = withStepDefaults(planned, {
    max_retries: agent.max_retries ?? DEFAULT_MAX_RETRIES,
    timeout_ms: agent.step_timeout_ms ?? DEFAULT_STEP_TIMEOUT_MS,
  });
  const problems = validatePlan(plan, deps.skills, {
    budgetCents: run.budget_cents,
    allowedHosts: agent.allowed_hosts,
  });
  if (problems.length > 0)
    return [
      {
        type: 'CompleteRun',
        status: 'failed',
        error: { code: 'PLAN_INVALID', message: describePlanProblems(problems) },
      },
    ];
  if (
    referencesOf(plan.steps.map((s) => s.params)) !==
    referencesOf(planFromTemplate(agent.plan_template, NEUTRAL_GOAL).steps.map((s) => s.params))
  ) {
    // Registration refuses such templates; an agent stored before that rule still cannot let a
    // goal complete a {{secret:..}} or {{steps..}} reference.
    return [
      {
        type: 'CompleteRun',
        status: 'failed',
        error: {
          code: 'PLAN_INVALID',
          message:
            'the goal, put into the template, forms a template reference ("{{") the template does not have',
        },
      },
    ];
  }
  return [{ type: 'RecordPlan', plan }, { type: 'StartRun' }];
};
