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
import type { PlanTemplate } from '../../domain/plan/plan.js';
import * as E from 'fp-ts/lib/Either.js';
import type { EventStoreError } from '../../domain/ports/event-store.js';
import type { ModelPlanningSetting } from '../planning/model-planning-deps.js';
import { planWithModel } from '../planning/plan-with-model.js';
import type { RunMemory } from '../../domain/planning/planning-prompt.js';

/** The secret and step references in params, as text: a goal must not change them. */
const referencesOf = (params: unknown): string =>
  JSON.stringify(JSON.stringify(params).match(/\{\{\s*(?:secret:|steps\.)[^}]*\}\}/g) ?? []);
const NEUTRAL_GOAL = 'goal';

/** The commands of a template plan: its plan and start, or the run's failure. */
const templateOpening = async (
  deps: { readonly planner: Planner; readonly skills: SkillRegistry },
  run: RunCreated,
  agent: AgentRegistered,
  template: PlanTemplate,
): Promise<RunCommand[]> => {
  const planned = await deps.planner.plan({ goal: run.goal, template });
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
    referencesOf(planFromTemplate(template, NEUTRAL_GOAL).steps.map((s) => s.params))
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

/** A run of a model-planned agent with no model endpoint configured: refused, nothing written. */
export type PlannerNotConfigured = { readonly kind: 'planner_not_configured'; readonly message: string };

/** A run asked of an agent that is recorded from its traces: it does not run here. */
export type ObservedAgentRun = { readonly kind: 'observed_agent'; readonly agent_id: string };

export type OpeningError =
  PlannerNotConfigured | ObservedAgentRun | { readonly kind: 'store'; readonly error: EventStoreError };

/** Why a model-planned agent's run is refused when the deps bring no model planner. */
const NOT_CONFIGURED =
  'this agent plans with a language model: set AOS_LLM_BASE_URL and AOS_LLM_MODEL (and AOS_LLM_API_KEY if the endpoint needs a key)';

/** What a new run appends before anything executes, in one append: for a model-planned agent every
 * exchange with the model; then its plan (validated: stored before any step) and its start, or,
 * when no valid plan came, its failure. */
export const openingCommands = async (
  deps: {
    readonly planner: Planner;
    readonly skills: SkillRegistry;
    readonly modelPlanning?: ModelPlanningSetting;
  },
  run: RunCreated,
  agent: AgentRegistered,
): Promise<E.Either<OpeningError, RunCommand[]>> => {
  if (agent.planner.kind === 'template')
    return E.right(await templateOpening(deps, run, agent, agent.planner.plan_template));
  if (agent.planner.kind === 'observed') return E.left({ kind: 'observed_agent', agent_id: agent.agent_id });
  const setting = deps.modelPlanning ?? { configured: false, message: NOT_CONFIGURED };
  if (!setting.configured) return E.left({ kind: 'planner_not_configured', message: setting.message });
  let memory: readonly RunMemory[];
  try {
    memory = await setting.deps.memory(run.tenant_id, run.agent_id);
  } catch (error) {
    // The read model could not be read: the store's error, nothing written.
    const message = error instanceof Error ? error.message : String(error);
    return E.left({ kind: 'store', error: { kind: 'store_failed', message } });
  }
  const planning = await planWithModel(setting.deps, run, agent, agent.planner, memory);
  const attempts = planning.attempts.map((attempt): RunCommand => ({
    type: 'RecordPlanningAttempt',
    attempt,
  }));
  return E.right(
    planning.outcome.kind === 'planned'
      ? [...attempts, { type: 'RecordPlan', plan: planning.outcome.plan }, { type: 'StartRun' }]
      : [...attempts, { type: 'CompleteRun', status: 'failed', error: planning.outcome.error }],
  );
};
