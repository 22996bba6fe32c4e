import * as E from 'fp-ts/lib/Either.js';
import type { AgentRegistered } from '../../domain/agent/agent-events.js';
import type { ModelPlanner } from '../../domain/agent/agent-planner.js';
import type { ChatCompletion, ChatFailure, ChatMessage } from '../../domain/ports/chat-model.js';
import { validatePlan, describePlanProblems, type PlanProblem } from '../../domain/plan/plan-validation.js';
import type { Plan } from '../../domain/plan/plan.js';
import {
  DEFAULT_MAX_RETRIES,
  DEFAULT_STEP_TIMEOUT_MS,
  withStepDefaults,
} from '../../domain/plan/step-defaults.js';
import { agentSkills } from '../../domain/planning/agent-skills.js';
import { modelPlanProblems } from '../../domain/planning/model-plan-checks.js';
import { planAnswerSchema } from '../../domain/planning/plan-answer-schema.js';
import { planOfAnswer, planTemplateInAnswer } from '../../domain/planning/plan-answer.js';
import { planningMessages, repairMessages, type RunMemory } from '../../domain/planning/planning-prompt.js';
import { skillManifest } from '../../domain/planning/skill-manifest.js';
import { backoffDelayMs } from '../../domain/run/retry-backoff.js';
import { scrubSecretValues } from '../../domain/secrets/redaction.js';
import type { PlanningAttempted, RunCreated, RunErrorInfo } from '../../domain/run/run-events.js';
import type { ModelPlanningDeps } from './model-planning-deps.js';
import {
  exchange,
  failureCode,
  failureMessage,
  recorded,
  refusesResponseFormat,
} from './planning-exchange.js';

/** What planning a run with the model gave: every attempt, then a plan, or why there is none. */
export type ModelPlanning = {
  readonly attempts: readonly PlanningAttempted[];
  readonly outcome:
    | { readonly kind: 'planned'; readonly plan: Plan }
    | { readonly kind: 'failed'; readonly error: RunErrorInfo };
};

type Loop = {
  readonly attempts: PlanningAttempted[];
  messages: readonly ChatMessage[];
  useSchema: boolean;
  spent: number;
  lastReason: string;
};

/** The plan in an answer, with the agent's step defaults, and what is wrong with it. */
const checkAnswer = (
  deps: ModelPlanningDeps,
  run: RunCreated,
  agent: AgentRegistered,
  planner: ModelPlanner,
  completion: ChatCompletion,
  budgetLeft: number,
): { readonly plan: Plan | null; readonly problems: PlanProblem[] } => {
  const template = planTemplateInAnswer(completion.content);
  if (E.isLeft(template)) return { plan: null, problems: template.left };
  const plan = withStepDefaults(planOfAnswer(template.right), {
    max_retries: agent.max_retries ?? DEFAULT_MAX_RETRIES,
    timeout_ms: agent.step_timeout_ms ?? DEFAULT_STEP_TIMEOUT_MS,
  });
  const problems = [
    ...validatePlan(plan, agentSkills(deps.skills, planner.skills), {
      budgetCents: budgetLeft,
      allowedHosts: agent.allowed_hosts,
      maxSteps: planner.max_steps,
    }),
    ...modelPlanProblems(plan, planner, deps.redaction),
  ];
  return { plan, problems };
};

/** The run's failure; its message quotes the last reason, scrubbed like the attempts. */
const failed = (deps: ModelPlanningDeps, loop: Loop, message: string): ModelPlanning => ({
  attempts: loop.attempts,
  outcome: {
    kind: 'failed',
    error: { code: 'PLANNING_FAILED', message: scrubSecretValues(message, deps.secretValues) },
  },
});

type AttemptResult = Plan | 'stop' | 'retry' | 'again';
type AttemptBase = Pick<
  PlanningAttempted,
  'attempt' | 'model' | 'messages' | 'response_format' | 'latency_ms'
>;

/** A request that got no answer, recorded; whether to ask again (and how). */
const failedAttempt = (deps: ModelPlanningDeps, loop: Loop, base: AttemptBase, failure: ChatFailure) => {
  loop.lastReason = failureMessage(failure);
  loop.attempts.push(
    recorded(
      {
        ...base,
        outcome: 'failed',
        cost_cents: 0,
        validation_errors: [],
        failure: { code: failureCode(failure), message: loop.lastReason, retryable: failure.retryable },
      },
      deps.secretValues,
    ),
  );
  if (refusesResponseFormat(failure) && loop.useSchema) {
    loop.useSchema = false;
    return 'again';
  }
  return failure.retryable ? 'retry' : 'stop';
};

/** An answer, costed, its plan checked, recorded; the plan when valid, else the repair request. */
const answeredAttempt = (
  context: { deps: ModelPlanningDeps; run: RunCreated; agent: AgentRegistered; planner: ModelPlanner },
  loop: Loop,
  base: AttemptBase,
  completion: ChatCompletion,
): AttemptResult => {
  const { deps, run, agent, planner } = context;
  const cost = deps.costCents(completion.usage, base.messages);
  loop.spent += cost;
  const checked = checkAnswer(deps, run, agent, planner, completion, run.budget_cents - loop.spent);
  loop.lastReason = `the plan was refused: ${describePlanProblems(checked.problems)}`;
  loop.attempts.push(
    recorded(
      {
        ...base,
        outcome: checked.problems.length === 0 ? 'accepted' : 'invalid',
        cost_cents: cost,
        validation_errors: checked.problems,
        answer: {
          content: completion.content,
          finish_reason: completion.finish_reason,
          model: completion.model,
        },
        ...(completion.usage === null ? {} : { usage: completion.usage }),
      },
      deps.secretValues,
    ),
  );
  if (checked.plan !== null && checked.problems.length === 0) return checked.plan;
  loop.messages = repairMessages(base.messages, completion.content, checked.problems);
  return 'again';
};

/** One attempt: a request, then the answer checked; the attempt recorded. Returns the plan when it
 * is valid, 'stop' when no further attempt may help, 'retry' after a failure that may pass (a
 * backoff first), or 'again' (with the answer's problems, or without response_format). */
const attempt = async (
  deps: ModelPlanningDeps,
  run: RunCreated,
  agent: AgentRegistered,
  planner: ModelPlanner,
  loop: Loop,
): Promise<AttemptResult> => {
  const schema = loop.useSchema
    ? { name: 'plan', schema: planAnswerSchema(planner.skills, planner.max_steps) }
    : null;
  const sent = await exchange(deps, loop.messages, schema);
  const base: AttemptBase = {
    attempt: loop.attempts.length + 1,
    model: deps.model.model,
    messages: [...sent.messages],
    response_format: sent.responseFormat,
    latency_ms: sent.latencyMs,
  };
  return E.isLeft(sent.result)
    ? failedAttempt(deps, loop, base, sent.result.left)
    : answeredAttempt({ deps, run, agent, planner }, loop, base, sent.result.right);
};

/**
 * Asks the model for the run's plan: the rules, the agent's instructions, the manifest of the
 * skills it may use, the budget left, the step ceiling and its memory; the answer's plan goes
 * through the validation of every plan and the model plan's own checks, and an invalid one is sent
 * back with its problems (`repair_attempts` times). A failed request (timeout, 5xx, 429) takes an
 * attempt too, after a backoff. Every attempt is recorded, whatever came of it; what they cost
 * counts against the budget. `memory`: the agent's last completed runs (ModelPlanningDeps.memory).
 */
export const planWithModel = async (
  deps: ModelPlanningDeps,
  run: RunCreated,
  agent: AgentRegistered,
  planner: ModelPlanner,
  memory: readonly RunMemory[],
): Promise<ModelPlanning> => {
  const loop: Loop = {
    attempts: [],
    messages: planningMessages({
      goal: run.goal,
      instructions: planner.instructions,
      manifest: skillManifest(deps.skills, planner.skills),
      budgetLeftCents: run.budget_cents,
      maxSteps: planner.max_steps,
      allowedHosts: agent.allowed_hosts,
      memory,
    }),
    useSchema: true,
    spent: 0,
    lastReason: '',
  };
  const total = 1 + planner.repair_attempts;
  while (loop.attempts.length < total) {
    const result = await attempt(deps, run, agent, planner, loop);
    if (typeof result === 'object')
      return { attempts: loop.attempts, outcome: { kind: 'planned', plan: result } };
    if (loop.spent > run.budget_cents)
      return failed(
        deps,
        loop,
        `planning cost ${loop.spent} cents, over the run's budget of ${run.budget_cents}`,
      );
    if (result === 'stop') break;
    if (result === 'retry' && loop.attempts.length < total)
      await deps.clock.sleep(backoffDelayMs(loop.attempts.length, deps.random));
  }
  return failed(deps, loop, `no valid plan after ${loop.attempts.length} attempt(s): ${loop.lastReason}`);
};
