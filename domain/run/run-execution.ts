import * as E from 'fp-ts/lib/Either.js';
import { agentFromEvents, type AgentLookupError } from '../agent/agent-lookup.js';
import type { AgentRegistered } from '../agent/agent-events.js';
import { describePlanProblems, validatePlan } from '../plan/plan-validation.js';
import { planStepAt } from '../plan/plan.js';
import { resolveStepReferences } from '../plan/step-references.js';
import { DEFAULT_MAX_RETRIES, DEFAULT_STEP_TIMEOUT_MS, withStepDefaults } from '../plan/step-defaults.js';
import type { EventStore, EventStoreError } from '../ports/event-store.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { Planner } from '../ports/planner.js';
import { toHex } from '../proof/sha256.js';
import { agentStreamId, runStreamId } from './identifiers.js';
import { decideRun, type RunCommand, type RunState } from './run-decider.js';
import type { RunDomainError } from './run-errors.js';
import type { StepExecuted } from './run-events.js';
import { chainRunEvents, emptyRunStream, type RunStream, type RunStreamError } from './run-stream.js';
import { executeStep, type StepExecutionDeps } from './step-execution.js';

export type RunExecutionDeps = StepExecutionDeps & {
  readonly store: EventStore;
  readonly planner: Planner;
  readonly ids: IdGenerator;
};

export type RunRequest = {
  readonly tenant_id: string;
  readonly agent_id: string;
  readonly goal: string;
  readonly origin_system_id: string;
  /** The run's budget; the agent's when absent. */
  readonly budget_cents?: number;
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

/** How a resumed run treats the step that may have been in flight when its process died. */
export type InterruptedStepPolicy = 'rerun_if_idempotent' | 'rerun';

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

export const outcomeOf = (stream: RunStream, status: RunOutcome['status']): RunOutcome => ({
  run_id: stream.runId,
  tenant_id: stream.tenantId,
  status,
  chain_length: stream.version,
  root_hash: toHex(stream.lastLink),
  stream,
});

type Running = Extract<RunState, { status: 'running' }>;


/** Drives a created, planned or running run to its end: plan (validated, stored before any step),
 * start, then each remaining step in plan order within the run's budget. The first failed step
 * whose plan says stop fails the run; a step the budget cannot cover halts it. */
export const driveRun = async (
  deps: RunExecutionDeps,
  start: RunStream,
  agent: AgentRegistered,
  interrupted: InterruptedStepPolicy | null,
  /** The records of the steps the stream already holds (a resumed run), for data flow. */
  executedSteps: readonly StepExecuted[] = [],
): Promise<E.Either<RunExecutionError, RunOutcome>> => {
  let stream = start;
  // Step records by step_index, kept by the runner as it goes (data flow reads them); the decider's
  // state only sums their cost, so a long run does not copy its history at every step.
  const records = new Map(executedSteps.map((s) => [s.step_index, s]));
  const outcomes = new Map(executedSteps.map((s) => [s.step_index, s.outcome]));
  const apply = async (command: RunCommand): Promise<E.Either<RunExecutionError, RunStream>> => {
    const next = await applyRunCommand(deps, stream, command);
    if (next._tag === 'Right') stream = next.right;
    return next;
  };
  const finish = async (status: RunOutcome['status'], error?: { code: string; message: string; step_index?: number }) => {
    const done = await apply(status === 'succeeded' ? { type: 'CompleteRun', status } : { type: 'CompleteRun', status, ...(error ? { error } : {}) });
    return done._tag === 'Left' ? done : E.right(outcomeOf(stream, status));
  };

  if (stream.state.status === 'created') {
    const run = stream.state.run;
    const planned = await deps.planner.plan({ goal: run.goal, template: agent.plan_template });
    const plan = withStepDefaults(planned, { max_retries: agent.max_retries ?? DEFAULT_MAX_RETRIES, timeout_ms: agent.step_timeout_ms ?? DEFAULT_STEP_TIMEOUT_MS });
    const problems = validatePlan(plan, deps.skills, { budgetCents: run.budget_cents, allowedHosts: agent.allowed_hosts });
    if (problems.length > 0) return finish('failed', { code: 'PLAN_INVALID', message: describePlanProblems(problems) });
    const recorded = await apply({ type: 'RecordPlan', plan });
    if (recorded._tag === 'Left') return recorded;
  }
  if (stream.state.status === 'planned') {
    const started = await apply({ type: 'StartRun' });
    if (started._tag === 'Left') return started;
  }
  let pendingInterruption = interrupted;
  for (;;) {
    const state = stream.state;
    if (state.status !== 'running') break;
    const planStep = planStepAt(state.plan, state.nextStepIndex);
    if (planStep === undefined) break;
    // A repeated plan step runs as consecutive executed steps: the record carries the run's step_index.
    const planned = { ...planStep, index: state.nextStepIndex };
    const skill = deps.skills.get(planned.skill);
    const previousSteps: ReadonlyMap<number, StepExecuted> = records;
    // Params as far as they are known before secrets: for the budget estimate and idempotency.
    const known = resolveStepReferences(planned.params, previousSteps);
    const decoded = known._tag === 'Right' ? skill?.params.decode(known.right) : undefined;
    const params = decoded?._tag === 'Right' ? decoded.right : undefined;
    const spent = state.spentCents;
    const estimate = skill && params !== undefined ? skill.estimateCostCents(params) : 0;
    if (spent + estimate > state.run.budget_cents) {
      return finish('halted', { code: 'BUDGET_EXCEEDED', message: `step ${planned.index} (${planned.skill}) would cost up to ${estimate} cents; ${spent} of the budget of ${state.run.budget_cents} are spent`, step_index: planned.index });
    }
    const policy = pendingInterruption;
    pendingInterruption = null;
    // Params that do not decode make the step fail without running anything, so it may run.
    const record = policy === 'rerun_if_idempotent' && skill && params !== undefined && !skill.isIdempotent(params)
      ? { record: interruptedStep(planned.index, planned.skill, planned.params, state.attempt), budgetExhausted: false }
      : await executeStep(deps, { ...planned, max_retries: planned.max_retries ?? DEFAULT_MAX_RETRIES, timeout_ms: planned.timeout_ms ?? DEFAULT_STEP_TIMEOUT_MS }, {
        previousOutcomes: outcomes,
        previousSteps,
        allowedHosts: agent.allowed_hosts,
        budgetRemainingCents: state.run.budget_cents - spent,
      });
    const recorded = await apply({ type: 'RecordStep', step: record.record });
    if (recorded._tag === 'Left') return recorded;
    records.set(record.record.step_index, record.record);
    outcomes.set(record.record.step_index, record.record.outcome);
    if (record.budgetExhausted) {
      return finish('halted', { code: 'BUDGET_EXCEEDED', message: `step ${planned.index} (${planned.skill}) stopped retrying: another attempt would exceed the budget of ${state.run.budget_cents} cents`, step_index: planned.index });
    }
    const after = stream.state as Running;
    if (record.record.status === 'failed' && after.failedSteps > state.failedSteps) {
      return finish('failed', { code: 'STEP_FAILED', message: `step ${planned.index} (${planned.skill}) failed: ${record.record.outcome.code}`, step_index: planned.index });
    }
  }
  return finish('succeeded');
};

/** The record of a non-idempotent step that may have been running when its process died: it is
 * not run again (it may have had its effect), and the record says why. */
const interruptedStep = (index: number, skill: string, params: StepExecuted['params'], attempt: number): StepExecuted => ({
  step_index: index,
  skill,
  params,
  status: 'failed',
  outcome: {
    category: 'interrupted',
    code: 'STEP_INTERRUPTED',
    data: { message: `the process running attempt ${attempt - 1} of this run stopped while this step may have been running; ${skill} with these params is not idempotent, so it was not run again (resume with --rerun-interrupted to run it anyway)` },
  },
  cost_cents: 0,
  duration_ms: 0,
  retry_count: 0,
});

/** Creates a run and drives it to its end. `runId` is fresh unless the caller derived it from an
 * idempotency key. Returns Left only when the run could not be recorded; a run that failed is a
 * Right with status `failed`. */
export const executeRun = async (
  deps: RunExecutionDeps,
  request: RunRequest,
  runId: string = deps.ids.uuid(),
): Promise<E.Either<RunExecutionError, RunOutcome>> => {
  const agent = await findAgent(deps.store, request.tenant_id, request.agent_id);
  if (agent._tag === 'Left') return agent;
  const created = await applyRunCommand(deps, emptyRunStream(request.tenant_id, runId), {
    type: 'CreateRun',
    run_id: runId,
    tenant_id: request.tenant_id,
    agent_id: request.agent_id,
    goal: request.goal,
    origin_system_id: request.origin_system_id,
    agent: agent.right && request.budget_cents !== undefined ? { ...agent.right, budget_cents: request.budget_cents } : agent.right,
  });
  if (created._tag === 'Left') return created;
  // The decider refuses CreateRun without an agent of this tenant; this only narrows the type.
  if (agent.right === undefined) return E.left({ kind: 'domain', error: { kind: 'agent_not_found', agent_id: request.agent_id, tenant_id: request.tenant_id } });
  return driveRun(deps, created.right, agent.right, null);
};
