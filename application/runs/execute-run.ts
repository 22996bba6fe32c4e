import type { InterruptedStepPolicy } from '../../domain/run/interrupted-step-policy.js';
import type { RunRequest } from '../../domain/run/run-request.js';
import { agentStreamId } from '../../domain/stream-names.js';
import * as E from 'fp-ts/lib/Either.js';
import { agentFromEvents, type AgentLookupError } from '../../domain/agent/agent-lookup.js';
import type { AgentRegistered } from '../../domain/agent/agent-events.js';
import { planStepAt } from '../../domain/plan/plan.js';
import { redactJson } from '../../domain/secrets/redaction.js';
import { resolveStepReferences } from '../../domain/plan/step-references.js';
import { DEFAULT_MAX_RETRIES, DEFAULT_STEP_TIMEOUT_MS } from '../../domain/plan/step-defaults.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import type { IdGenerator } from '../../domain/ports/id-generator.js';
import type { Planner } from '../../domain/ports/planner.js';
import type { Signer } from '../../domain/ports/signing-keys.js';
import { toHex } from '../../domain/proof/sha256.js';
import type { RunCommand, RunState } from '../../domain/run/run-decider.js';
import type { RunCreated, StepExecuted } from '../../domain/run/run-events.js';
import { emptyRunStream, type RunStream } from '../../domain/run/run-stream.js';
import { createRunWriter, type RunWriteError, type RunWriterDeps } from './run-writer.js';
import { openingCommands } from './opening-commands.js';
import { interruptedStep } from '../../domain/run/interrupted-step.js';
import { cutOffByStoreFailure, type RunCutOff } from './run-cut-off.js';
import { executeStep, type StepExecutionDeps } from './execute-step.js';

export type RunExecutionDeps = StepExecutionDeps & {
  readonly store: EventStore;
  readonly planner: Planner;
  readonly ids: IdGenerator;
  /** The active signing key: a run is sealed in the append that completes it. */
  readonly signer: Signer;
  /** The operator's public keys: when given, a signer they do not hold completes nothing. */
  readonly keySet?: ReadonlyMap<string, Uint8Array>;
};

export type RunExecutionError = RunWriteError | RunCutOff | AgentLookupError;

export type RunOutcome = {
  readonly run_id: string;
  readonly tenant_id: string;
  readonly status: 'succeeded' | 'failed' | 'halted';
  readonly chain_length: number;
  readonly root_hash: string;
  readonly stream: RunStream;
};

/** Decides commands one after the other against the stream, chains their events and appends them
 * all in one append (one round trip, one commit) with the stream's version as the expected
 * version: a concurrent writer makes this fail and write nothing. */
export const applyRunCommands = async (
  deps: RunWriterDeps,
  stream: RunStream,
  commands: readonly RunCommand[],
): Promise<E.Either<RunExecutionError, RunStream>> => {
  const writer = createRunWriter(deps, stream);
  const staged = writer.stage(commands);
  return staged._tag === 'Left' ? staged : writer.flush();
};

/** How many records of pure steps (Skill.pure) the runner holds before it appends them anyway. */
export const PURE_STEPS_PER_APPEND = 64;

export const applyRunCommand = (
  deps: RunWriterDeps,
  stream: RunStream,
  command: RunCommand,
): Promise<E.Either<RunExecutionError, RunStream>> => applyRunCommands(deps, stream, [command]);

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
  const writer = createRunWriter(deps, start);
  // Step records by step_index, kept by the runner as it goes (data flow reads them); the decider's
  // state only sums their cost, so a long run does not copy its history at every step.
  const records = new Map(executedSteps.map((s) => [s.step_index, s]));
  const outcomes = new Map(executedSteps.map((s) => [s.step_index, s.outcome]));
  const apply = async (...commands: RunCommand[]): Promise<E.Either<RunExecutionError, RunStream>> => {
    const staged = writer.stage(commands);
    return staged._tag === 'Left' ? staged : writer.flush();
  };
  /** Completes the run, in the same append as `before` (the step that ends it) and any pure steps
   * still held. */
  const finish = async (
    status: RunOutcome['status'],
    error?: { code: string; message: string; step_index?: number },
    ...before: RunCommand[]
  ) => {
    const done = await apply(
      ...before,
      status === 'succeeded'
        ? { type: 'CompleteRun', status }
        : { type: 'CompleteRun', status, ...(error ? { error } : {}) },
    );
    return done._tag === 'Left' ? done : E.right(outcomeOf(done.right, status));
  };

  const created = writer.stream().state;
  if (created.status === 'created') {
    const opening = await openingCommands(deps, created.run, agent);
    const applied = await apply(...opening);
    if (applied._tag === 'Left') return applied;
    const opened: RunState = applied.right.state;
    if (opened.status === 'completed') return E.right(outcomeOf(applied.right, opened.outcome));
  }
  if (writer.stream().state.status === 'planned') {
    const started = await apply({ type: 'StartRun' });
    if (started._tag === 'Left') return started;
  }
  let pendingInterruption = interrupted;
  for (;;) {
    const state = writer.stream().state;
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
      return finish('halted', {
        code: 'BUDGET_EXCEEDED',
        message: `step ${planned.index} (${planned.skill}) would cost up to ${estimate} cents; ${spent} of the budget of ${state.run.budget_cents} are spent`,
        step_index: planned.index,
      });
    }
    // A step with effects outside the run starts only once every step before it is recorded: a
    // crash can then leave at most this step unrecorded, which resume knows how to treat.
    const pure = skill?.pure === true;
    if (!pure) {
      const flushed = await writer.flush();
      if (flushed._tag === 'Left') return flushed;
    }
    const policy = pendingInterruption;
    pendingInterruption = null;
    // Params that do not decode make the step fail without running anything, so it may run.
    const record =
      policy === 'record_interrupted' ||
      (policy === 'rerun_if_idempotent' && skill && params !== undefined && !skill.isIdempotent(params))
        ? {
            record: interruptedStep(
              planned.index,
              planned.skill,
              redactJson(planned.params, deps.redaction, []) as StepExecuted['params'],
              state.attempt,
              policy,
            ),
            budgetExhausted: false,
          }
        : await executeStep(
            deps,
            {
              ...planned,
              max_retries: planned.max_retries ?? DEFAULT_MAX_RETRIES,
              timeout_ms: planned.timeout_ms ?? DEFAULT_STEP_TIMEOUT_MS,
            },
            {
              previousOutcomes: outcomes,
              previousSteps,
              allowedHosts: agent.allowed_hosts,
              budgetRemainingCents: state.run.budget_cents - spent,
            },
          );
    const recordStep: RunCommand = { type: 'RecordStep', step: record.record };
    // A step that ends the run is appended with the run's completion: one commit, not two.
    if (record.budgetExhausted) {
      return finish(
        'halted',
        {
          code: 'BUDGET_EXCEEDED',
          message: `step ${planned.index} (${planned.skill}) stopped retrying: another attempt would exceed the budget of ${state.run.budget_cents} cents`,
          step_index: planned.index,
        },
        recordStep,
      );
    }
    if (record.record.status === 'failed' && planStep.on_failure !== 'continue') {
      return finish(
        'failed',
        {
          code: 'STEP_FAILED',
          message: `step ${planned.index} (${planned.skill}) failed: ${record.record.outcome.code}`,
          step_index: planned.index,
        },
        recordStep,
      );
    }
    if (planStepAt(state.plan, planned.index + 1) === undefined)
      return finish('succeeded', undefined, recordStep);
    // A pure step's record waits for the next append (a crash before it only means running the
    // step again, which changes nothing); any other step's record is appended now.
    const recorded =
      pure && writer.staged() + 1 < PURE_STEPS_PER_APPEND
        ? writer.stage([recordStep])
        : await apply(recordStep);
    if (recorded._tag === 'Left') return recorded;
    records.set(record.record.step_index, record.record);
    outcomes.set(record.record.step_index, record.record.outcome);
  }
  return finish('succeeded');
};

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
  const spec =
    agent.right && request.budget_cents !== undefined
      ? { ...agent.right, budget_cents: request.budget_cents }
      : agent.right;
  const create: RunCommand = {
    type: 'CreateRun',
    run_id: runId,
    tenant_id: request.tenant_id,
    agent_id: request.agent_id,
    goal: request.goal,
    origin_system_id: request.origin_system_id,
    agent: spec,
  };
  // The decider refuses CreateRun without an agent of this tenant (nothing is written).
  if (spec === undefined || agent.right === undefined) {
    const refused = await applyRunCommand(deps, emptyRunStream(request.tenant_id, runId), create);
    return refused._tag === 'Left'
      ? refused
      : E.left({
          kind: 'domain',
          error: { kind: 'agent_not_found', agent_id: request.agent_id, tenant_id: request.tenant_id },
        });
  }
  // Created, planned and started in one append: the plan is stored before any step executes.
  const run: RunCreated = {
    run_id: runId,
    tenant_id: request.tenant_id,
    agent_id: request.agent_id,
    goal: request.goal,
    origin_system_id: request.origin_system_id,
    budget_cents: spec.budget_cents,
  };
  const opened = await applyRunCommands(deps, emptyRunStream(request.tenant_id, runId), [
    create,
    ...(await openingCommands(deps, run, agent.right)),
  ]);
  if (opened._tag === 'Left') return opened;
  const state = opened.right.state;
  if (state.status === 'completed') return E.right(outcomeOf(opened.right, state.outcome));
  // From here on the run is recorded: a store that fails names it, for `aos runs resume`.
  const driven = await driveRun(deps, opened.right, agent.right, null);
  return driven._tag === 'Left' ? E.left(cutOffByStoreFailure(opened.right)(driven.left)) : driven;
};
