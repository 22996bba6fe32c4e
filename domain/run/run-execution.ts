import * as E from 'fp-ts/lib/Either.js';
import { agentFromEvents, type AgentLookupError } from '../agent/agent-lookup.js';
import type { AgentRegistered } from '../agent/agent-events.js';
import { describePlanProblems, validatePlan } from '../plan/plan-validation.js';
import type { Clock } from '../ports/clock.js';
import type { EventStore, EventStoreError } from '../ports/event-store.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { Planner } from '../ports/planner.js';
import type { SkillRegistry, StepOutcome } from '../ports/skill.js';
import { toHex } from '../proof/sha256.js';
import { agentStreamId, runStreamId } from './identifiers.js';
import { decideRun, type RunCommand } from './run-decider.js';
import type { RunDomainError } from './run-errors.js';
import { chainRunEvents, emptyRunStream, type RunStream, type RunStreamError } from './run-stream.js';
import { executeStep } from './step-execution.js';

export type RunExecutionDeps = {
  readonly store: EventStore;
  readonly skills: SkillRegistry;
  readonly planner: Planner;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly stepTimeoutMs: number;
};

export type RunRequest = {
  readonly tenant_id: string;
  readonly agent_id: string;
  readonly goal: string;
  readonly origin_system_id: string;
};

export type RunExecutionError =
  | { readonly kind: 'domain'; readonly error: RunDomainError }
  | { readonly kind: 'store'; readonly error: EventStoreError }
  | { readonly kind: 'stream'; readonly error: RunStreamError }
  | AgentLookupError;

export type RunOutcome = {
  readonly run_id: string;
  readonly tenant_id: string;
  readonly status: 'succeeded' | 'failed' | 'halted';
  readonly chain_length: number;
  readonly root_hash: string;
  readonly stream: RunStream;
};

/** Decides one command against the stream, chains the events and appends them with the stream's
 * version as the expected version: a concurrent writer makes this fail and write nothing. */
export const applyRunCommand = async (
  deps: Pick<RunExecutionDeps, 'store' | 'clock'>,
  stream: RunStream,
  command: RunCommand,
): Promise<E.Either<RunExecutionError, RunStream>> => {
  const decided = decideRun(command, stream.state);
  if (decided._tag === 'Left') return E.left({ kind: 'domain', error: decided.left });
  const chained = chainRunEvents(stream, decided.right, deps.clock.now());
  if (chained._tag === 'Left') return E.left({ kind: 'stream', error: chained.left });
  const appended = await deps.store.appendToStream(stream.tenantId, runStreamId(stream.runId), stream.version, chained.right.toAppend)();
  if (appended._tag === 'Left') return E.left({ kind: 'store', error: appended.left });
  return E.right({ ...chained.right.next, lastPosition: appended.right.lastPosition });
};

/** The agent registered under this id in this tenant (undefined when there is none there). */
export const findAgent = async (
  store: EventStore,
  tenantId: string,
  agentId: string,
): Promise<E.Either<RunExecutionError, AgentRegistered | undefined>> => {
  const events = await store.readStream(tenantId, agentStreamId(agentId))();
  if (events._tag === 'Left') return E.left({ kind: 'store', error: events.left });
  return agentFromEvents(events.right);
};

const outcomeOf = (stream: RunStream, status: RunOutcome['status']): RunOutcome => ({
  run_id: stream.runId,
  tenant_id: stream.tenantId,
  status,
  chain_length: stream.version,
  root_hash: toHex(stream.lastLink),
  stream,
});

/** Creates, plans and executes a run: plan stored before any step, steps in plan order, the first
 * failed step fails the run. Returns Left only when the run could not be recorded; a run that
 * failed is a Right with status `failed`. */
export const executeRun = async (deps: RunExecutionDeps, request: RunRequest): Promise<E.Either<RunExecutionError, RunOutcome>> => {
  const agent = await findAgent(deps.store, request.tenant_id, request.agent_id);
  if (agent._tag === 'Left') return agent;
  let stream = emptyRunStream(request.tenant_id, deps.ids.uuid());
  const step = async (command: RunCommand): Promise<E.Either<RunExecutionError, RunStream>> => {
    const next = await applyRunCommand(deps, stream, command);
    if (next._tag === 'Right') stream = next.right;
    return next;
  };

  const created = await step({
    type: 'CreateRun',
    run_id: stream.runId,
    tenant_id: request.tenant_id,
    agent_id: request.agent_id,
    goal: request.goal,
    origin_system_id: request.origin_system_id,
    agent: agent.right,
  });
  if (created._tag === 'Left') return created;
  const agentSpec = agent.right;
  // The decider refuses CreateRun without an agent of this tenant; this only narrows the type.
  if (agentSpec === undefined) return E.left({ kind: 'domain', error: { kind: 'agent_not_found', agent_id: request.agent_id, tenant_id: request.tenant_id } });

  const plan = await deps.planner.plan({ goal: request.goal, template: agentSpec.plan_template });
  const problems = validatePlan(plan, deps.skills, { budgetCents: agentSpec.budget_cents, allowedHosts: agentSpec.allowed_hosts });
  if (problems.length > 0) {
    const failed = await step({ type: 'CompleteRun', status: 'failed', error: { code: 'PLAN_INVALID', message: describePlanProblems(problems) } });
    return failed._tag === 'Left' ? failed : E.right(outcomeOf(stream, 'failed'));
  }
  for (const command of [{ type: 'RecordPlan', plan } as const, { type: 'StartRun' } as const]) {
    const done = await step(command);
    if (done._tag === 'Left') return done;
  }

  const outcomes = new Map<number, StepOutcome>();
  for (const planned of plan.steps) {
    const executed = await executeStep(deps, planned, { previousOutcomes: outcomes, allowedHosts: agentSpec.allowed_hosts });
    const recorded = await step({ type: 'RecordStep', step: executed });
    if (recorded._tag === 'Left') return recorded;
    outcomes.set(planned.index, executed.outcome);
    if (executed.status === 'failed') {
      const failed = await step({
        type: 'CompleteRun',
        status: 'failed',
        error: { code: 'STEP_FAILED', message: `step ${planned.index} (${planned.skill}) failed: ${executed.outcome.code}`, step_index: planned.index },
      });
      return failed._tag === 'Left' ? failed : E.right(outcomeOf(stream, 'failed'));
    }
  }
  const completed = await step({ type: 'CompleteRun', status: 'succeeded' });
  return completed._tag === 'Left' ? completed : E.right(outcomeOf(stream, 'succeeded'));
};
