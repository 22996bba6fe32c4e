import { agentStreamId } from '../../domain/stream-names.js';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { canonicalJson } from '../../domain/json/canonical-json.js';
import { oneLineName } from '../../domain/json/one-line-name.js';
import { describePlanProblems, validatePlan, type PlanProblem } from '../../domain/plan/plan-validation.js';
import type { PlanTemplate } from '../../domain/plan/plan.js';
import { planFromTemplate } from '../../domain/plan/template-planner.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { EventStore, EventStoreError, GlobalPosition } from '../../domain/ports/event-store.js';
import type { IdGenerator } from '../../domain/ports/id-generator.js';
import type { SkillRegistry } from '../../domain/ports/skill.js';
import type { RedactionPolicy } from '../../domain/secrets/redaction-policy.js';
import { literalCredentialProblems } from '../../domain/secrets/literal-credentials.js';
import { malformedSecretReferences } from '../../domain/secrets/secret-reference.js';
import type { AgentRegistered } from '../../domain/agent/agent-events.js';
import type { ModelPlanner } from '../../domain/agent/agent-planner.js';
import { modelPlannerProblems } from './model-planner-problems.js';

/** An agent's name: 1-200 characters of one line of text (no control, bidi control or separator). */
export const AgentNameC = oneLineName('AgentName', 200);

const GOAL_NEXT_TO_BRACE = /\{\{\s*goal\s*\}\}(?=[{}])|[{}]\{\{\s*goal\s*\}\}/;

/** Paths of template strings where `{{goal}}` is next to a brace. A goal cannot contain "{{", but
 * a goal starting or ending with a brace placed next to a template brace would make one, and so a
 * reference the template never had (`{{{goal}}}` with goal `{secret:X}`). */
const goalNextToBraces = (value: unknown, path = ''): string[] => {
  if (typeof value === 'string') return GOAL_NEXT_TO_BRACE.test(value) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => goalNextToBraces(item, `${path}[${i}]`));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) =>
      goalNextToBraces(item, path === '' ? key : `${path}.${key}`),
    );
  return [];
};

/** The goal a template is checked with when the agent is registered. */
const SAMPLE_GOAL = 'sample goal';

export type AgentRegistrationRequest = {
  readonly tenant_id: string;
  readonly name: string;
  readonly budget_cents: number;
  readonly allowed_hosts: readonly string[];
  readonly max_retries?: number;
  readonly step_timeout_ms?: number;
} & (
  | { readonly plan_template: PlanTemplate }
  /** Plans written by a language model from each run's goal. */
  | { readonly model_planner: Omit<ModelPlanner, 'kind'> }
);

export type AgentRegistrationError =
  | { readonly kind: 'invalid_template'; readonly problems: readonly PlanProblem[]; readonly message: string }
  | { readonly kind: 'invalid_planner'; readonly problems: readonly PlanProblem[]; readonly message: string }
  | { readonly kind: 'store'; readonly error: EventStoreError };

/** The template is stored in the agent's stream: a credential written into it would be in the
 * ledger for good (credentials come from {{secret:NAME}} references, resolved at execution), and a
 * goal put next to braces could complete a reference. What is wrong with its text, step by step. */
const templateTextProblems = (template: PlanTemplate, redaction: RedactionPolicy) => {
  const problems: PlanProblem[] = [];
  template.steps.forEach((step, index) => {
    for (const path of goalNextToBraces(step.params)) {
      problems.push({
        step_index: index,
        field: path === '' ? 'params' : `params.${path}`,
        message:
          '{{goal}} must not touch "{" or "}": a goal could complete a {{secret:..}} or {{steps..}} reference around it',
      });
    }
    for (const problem of malformedSecretReferences(step.params))
      problems.push({
        step_index: index,
        field: problem.path === '' ? 'params' : `params.${problem.path}`,
        message: problem.message,
      });
    for (const problem of literalCredentialProblems(step.params, redaction, ''))
      problems.push({
        step_index: index,
        field: problem.field === '' ? 'params' : `params.${problem.field}`,
        message: problem.message,
      });
  });
  return problems;
};

/** What is wrong with a template: the plan it gives must be valid, its text safe to store. */
const templateProblems = (
  template: PlanTemplate,
  request: Pick<AgentRegistrationRequest, 'budget_cents' | 'allowed_hosts'>,
  deps: { readonly skills: SkillRegistry; readonly redaction: RedactionPolicy },
): PlanProblem[] => [
  ...validatePlan(planFromTemplate(template, SAMPLE_GOAL), deps.skills, {
    budgetCents: request.budget_cents,
    allowedHosts: request.allowed_hosts,
  }),
  ...templateTextProblems(template, deps.redaction),
];

/** Registers an agent in its tenant: the template must give a valid plan (known skills, params
 * that decode, host policy, budget) before anything is written. */
export const registerAgent = async (
  deps: {
    readonly store: EventStore;
    readonly clock: Clock;
    readonly ids: IdGenerator;
    readonly skills: SkillRegistry;
    readonly redaction: RedactionPolicy;
  },
  request: AgentRegistrationRequest,
): Promise<
  E.Either<AgentRegistrationError, { readonly agent: AgentRegistered; readonly position: GlobalPosition }>
> => {
  const problems =
    'plan_template' in request
      ? templateProblems(request.plan_template, request, deps)
      : modelPlannerProblems(request.model_planner, deps.skills);
  if (problems.length > 0)
    return E.left({
      kind: 'plan_template' in request ? 'invalid_template' : 'invalid_planner',
      problems,
      message: describePlanProblems(problems),
    });
  const agent: AgentRegistered = {
    schema_version: 2,
    agent_id: deps.ids.uuid(),
    tenant_id: request.tenant_id,
    name: request.name,
    planner:
      'plan_template' in request
        ? { kind: 'template', plan_template: request.plan_template }
        : { kind: 'llm', ...request.model_planner },
    budget_cents: request.budget_cents,
    allowed_hosts: [...request.allowed_hosts],
    ...(request.max_retries === undefined ? {} : { max_retries: request.max_retries }),
    ...(request.step_timeout_ms === undefined ? {} : { step_timeout_ms: request.step_timeout_ms }),
  };
  return pipe(
    deps.store.appendToStream(request.tenant_id, agentStreamId(agent.agent_id), 0, [
      {
        type: 'AgentRegistered',
        data: agent,
        dataCanonical: canonicalJson(agent),
        recorded_at: deps.clock.now(),
        link: null,
      },
    ]),
    TE.bimap(
      (error): AgentRegistrationError => ({ kind: 'store', error }),
      (appended) => ({ agent, position: appended.lastPosition }),
    ),
  )();
};
