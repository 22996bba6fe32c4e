import type { InterruptedStepPolicy } from '../../domain/run/interrupted-step-policy.js';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { AgentRegistered } from '../../domain/agent/agent-events.js';
import { planStepAt, type Plan, type PlanStep } from '../../domain/plan/plan.js';
import { redactJson } from '../../domain/secrets/redaction.js';
import { resolveStepReferences } from '../../domain/plan/step-references.js';
import { DEFAULT_MAX_RETRIES, DEFAULT_STEP_TIMEOUT_MS } from '../../domain/plan/step-defaults.js';
import type { RunCommand, RunState } from '../../domain/run/run-decider.js';
import type { StepExecuted } from '../../domain/run/run-events.js';
import { type RunStream } from '../../domain/run/run-stream.js';
import { createRunWriter } from './run-writer.js';
import { openingCommands } from './opening-commands.js';
import { interruptedStep } from '../../domain/run/interrupted-step.js';
import { executeStep } from './execute-step.js';

import {
  outcomeOf,
  PURE_STEPS_PER_APPEND,
  type RunExecutionDeps,
  type RunExecutionError,
  type RunOutcome,
} from './run-execution.js';

/** What driving a run holds: its writer, the step records so far (data flow reads them; the
 * decider's state only sums their cost, so a long run does not copy its history at every step). */
type RunDriver = {
  readonly writer: ReturnType<typeof createRunWriter>;
  readonly records: Map<number, StepExecuted>;
  readonly outcomes: Map<number, StepExecuted['outcome']>;
  readonly apply: (...commands: RunCommand[]) => Promise<E.Either<RunExecutionError, RunStream>>;
  /** Completes the run, in the same append as `before` (the step that ends it) and any pure steps
   * still held. */
  readonly finish: (
    status: RunOutcome['status'],
    error?: { code: string; message: string; step_index?: number },
    ...before: RunCommand[]
  ) => Promise<E.Either<RunExecutionError, RunOutcome>>;
};

const runDriver = (
  deps: RunExecutionDeps,
  start: RunStream,
  executedSteps: readonly StepExecuted[],
): RunDriver => {
  const writer = createRunWriter(deps, start);
  const apply: RunDriver['apply'] = async (...commands) => {
    const staged = writer.stage(commands);
    return E.isLeft(staged) ? staged : writer.flush();
  };
  return {
    writer,
    records: new Map(executedSteps.map((s) => [s.step_index, s])),
    outcomes: new Map(executedSteps.map((s) => [s.step_index, s.outcome])),
    apply,
    finish: async (status, error, ...before) => {
      const done = await apply(
        ...before,
        status === 'succeeded'
          ? { type: 'CompleteRun', status }
          : { type: 'CompleteRun', status, ...(error ? { error } : {}) },
      );
      return pipe(
        done,
        E.map((stream) => outcomeOf(stream, status)),
      );
    },
  };
};

/** A created run gets its plan (validated, stored before any step) and a planned one its start;
 * the outcome when that already ended it (an invalid plan), else null. */
const openRun = async (
  deps: RunExecutionDeps,
  { writer, apply }: RunDriver,
  agent: AgentRegistered,
): Promise<E.Either<RunExecutionError, RunOutcome> | null> => {
  const created = writer.stream().state;
  if (created.status === 'created') {
    const opening = await openingCommands(deps, created.run, agent);
    if (E.isLeft(opening)) return opening;
    const applied = await apply(...opening.right);
    if (E.isLeft(applied)) return applied;
    const opened: RunState = applied.right.state;
    if (opened.status === 'completed') return E.right(outcomeOf(applied.right, opened.outcome));
  }
  if (writer.stream().state.status === 'planned') {
    const started = await apply({ type: 'StartRun' });
    if (E.isLeft(started)) return started;
  }
  return null;
};

/** A running run that has a plan (an observed run has none, and nothing of it runs here). */
type RunningState = Extract<RunState, { status: 'running' }> & { readonly plan: Plan };

const isPlannedRunning = (state: RunState): state is RunningState =>
  state.status === 'running' && state.plan !== null;

/** The next step as the run will execute it: a repeated plan step runs as consecutive executed
 * steps (the record carries the run's step_index); its params as far as they are known before
 * secrets, for the budget estimate and idempotency. */
const nextStep = (
  deps: RunExecutionDeps,
  { records }: RunDriver,
  state: RunningState,
  planStep: PlanStep,
) => {
  const planned = { ...planStep, index: state.nextStepIndex };
  const skill = deps.skills.get(planned.skill);
  // Unknown until its references resolve and its skill decodes them.
  const params = pipe(
    resolveStepReferences(planned.params, records),
    E.flatMap((known) => (skill ? skill.params.decode(known) : E.left(undefined))),
    E.getOrElseW(() => undefined),
  );
  const estimate = skill && params !== undefined ? skill.estimateCostCents(params) : 0;
  return { planned, skill, params, estimate };
};

/** The step's record: run (executeStep), or, for the step that may have been in flight when the
 * run's process died, recorded as interrupted when the policy says it must not run again. Params
 * that do not decode make the step fail without running anything, so it may run. */
const stepRecord = async (
  deps: RunExecutionDeps,
  { outcomes, records }: RunDriver,
  agent: AgentRegistered,
  state: RunningState,
  { planned, skill, params }: ReturnType<typeof nextStep>,
  policy: InterruptedStepPolicy | null,
) =>
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
    : executeStep(
        deps,
        {
          ...planned,
          max_retries: planned.max_retries ?? DEFAULT_MAX_RETRIES,
          timeout_ms: planned.timeout_ms ?? DEFAULT_STEP_TIMEOUT_MS,
        },
        {
          previousOutcomes: outcomes,
          previousSteps: records,
          allowedHosts: agent.allowed_hosts,
          budgetRemainingCents: state.run.budget_cents - state.spentCents,
        },
      );

/** After a step: the run ends with it (budget exhausted, a failed step whose plan says stop, the
 * last step), in the same append as its record; or its record is appended (a pure step's waits for
 * the next append: a crash before it only means running the step again) and null says go on. */
const afterStep = async (
  driver: RunDriver,
  state: RunningState,
  planStep: PlanStep,
  planned: ReturnType<typeof nextStep>['planned'],
  executed: { readonly record: StepExecuted; readonly budgetExhausted: boolean },
  pure: boolean,
): Promise<E.Either<RunExecutionError, RunOutcome> | null> => {
  const { record } = executed;
  const recordStep: RunCommand = { type: 'RecordStep', step: record };
  if (executed.budgetExhausted)
    return driver.finish(
      'halted',
      {
        code: 'BUDGET_EXCEEDED',
        message: `step ${planned.index} (${planned.skill}) stopped retrying: another attempt would exceed the budget of ${state.run.budget_cents} cents`,
        step_index: planned.index,
      },
      recordStep,
    );
  if (record.status === 'failed' && planStep.on_failure !== 'continue')
    return driver.finish(
      'failed',
      {
        code: 'STEP_FAILED',
        message: `step ${planned.index} (${planned.skill}) failed: ${record.outcome.code}`,
        step_index: planned.index,
      },
      recordStep,
    );
  if (planStepAt(state.plan, planned.index + 1) === undefined)
    return driver.finish('succeeded', undefined, recordStep);
  const recorded =
    pure && driver.writer.staged() + 1 < PURE_STEPS_PER_APPEND
      ? driver.writer.stage([recordStep])
      : await driver.apply(recordStep);
  if (E.isLeft(recorded)) return recorded;
  driver.records.set(record.step_index, record);
  driver.outcomes.set(record.step_index, record.outcome);
  return null;
};

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
  const driver = runDriver(deps, start, executedSteps);
  const opened = await openRun(deps, driver, agent);
  if (opened !== null) return opened;
  let policy = interrupted;
  for (;;) {
    const state = driver.writer.stream().state;
    if (state.status !== 'running') break;
    if (!isPlannedRunning(state))
      return E.left({ kind: 'domain', error: { kind: 'observed_run', command: 'RecordStep' } });
    const planStep = planStepAt(state.plan, state.nextStepIndex);
    if (planStep === undefined) break;
    const step = nextStep(deps, driver, state, planStep);
    const spent = state.spentCents;
    if (spent + step.estimate > state.run.budget_cents)
      return driver.finish('halted', {
        code: 'BUDGET_EXCEEDED',
        message: `step ${step.planned.index} (${step.planned.skill}) would cost up to ${step.estimate} cents; ${spent} of the budget of ${state.run.budget_cents} are spent`,
        step_index: step.planned.index,
      });
    // A step with effects outside the run starts only once every step before it is recorded: a
    // crash can then leave at most this step unrecorded, which resume knows how to treat.
    const pure = step.skill?.pure === true;
    if (!pure) {
      const flushed = await driver.writer.flush();
      if (E.isLeft(flushed)) return flushed;
    }
    const executed = await stepRecord(deps, driver, agent, state, step, policy);
    deps.progress?.stepEnded(executed.record);
    policy = null;
    const ended = await afterStep(driver, state, planStep, step.planned, executed, pure);
    if (ended !== null) return ended;
  }
  return driver.finish('succeeded');
};
