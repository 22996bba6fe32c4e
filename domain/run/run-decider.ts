import * as E from 'fp-ts/lib/Either.js';
import type { Decider } from '../decider.js';
import { plannedStepCount, planStepAt, type Plan } from '../plan/plan.js';
import type { RunDomainError } from './run-errors.js';
import type {
  PlanningAttempted,
  RunCompleted,
  RunCreated,
  RunErrorInfo,
  RunEvent,
  RunObserved,
  StepExecuted,
} from './run-events.js';

/** What the decider needs to know of the agent, looked up in the run's tenant (undefined: none there). */
export type AgentView = {
  readonly agent_id: string;
  readonly tenant_id: string;
  readonly budget_cents: number;
};

export type RunCommand =
  | {
      readonly type: 'CreateRun';
      readonly run_id: string;
      readonly tenant_id: string;
      readonly agent_id: string;
      readonly goal: string;
      readonly origin_system_id: string;
      readonly agent: AgentView | undefined;
    }
  /** One exchange with the planner's model, before the plan (or the run's failure) is recorded. */
  | { readonly type: 'RecordPlanningAttempt'; readonly attempt: PlanningAttempted }
  | { readonly type: 'RecordPlan'; readonly plan: Plan }
  /** In place of a plan: the run is recorded from a trace of steps that already ran elsewhere. */
  | { readonly type: 'RecordObservation'; readonly observation: RunObserved }
  | { readonly type: 'StartRun' }
  /** A new process takes over a run whose previous process stopped mid-way (crash, kill -9). */
  | { readonly type: 'ResumeRun' }
  | { readonly type: 'RecordStep'; readonly step: StepExecuted }
  | { readonly type: 'CompleteRun'; readonly status: RunCompleted['status']; readonly error?: RunErrorInfo };

export type RunState =
  | { readonly status: 'none' }
  | {
      readonly status: 'created';
      readonly run: RunCreated;
      readonly planningAttempts: number;
      /** What planning cost so far: it counts against the run's budget. */
      readonly spentCents: number;
    }
  | {
      readonly status: 'planned';
      readonly run: RunCreated;
      /** null: an observed run (RunObserved), whose steps no plan foretold. */
      readonly plan: Plan | null;
      readonly spentCents: number;
    }
  | {
      readonly status: 'running';
      readonly run: RunCreated;
      readonly plan: Plan | null;
      readonly attempt: number;
      readonly nextStepIndex: number;
      /** Failed steps whose plan says stop: a run with any cannot succeed. */
      readonly failedSteps: number;
      /** What the executed steps cost so far (the budget check). */
      readonly spentCents: number;
    }
  | {
      readonly status: 'completed';
      readonly run: RunCreated;
      readonly outcome: RunCompleted['status'];
      readonly attempt: number;
    };

const initialRunState: RunState = { status: 'none' };

const refuse = (error: RunDomainError): E.Either<RunDomainError, RunEvent[]> => E.left(error);
const accept = (...events: RunEvent[]): E.Either<RunDomainError, RunEvent[]> => E.right(events);

const planIndexesProblem = (plan: Plan): string | null => {
  const wrong = plan.steps.findIndex((step, i) => step.index !== i);
  return wrong === -1 ? null : `plan step at position ${wrong} has index ${plan.steps[wrong]?.index}`;
};

const decideCreate = (command: Extract<RunCommand, { type: 'CreateRun' }>, state: RunState) => {
  if (state.status !== 'none') return refuse({ kind: 'run_already_exists', run_id: command.run_id });
  // An agent of another tenant is reported exactly like a missing one: nothing leaks across tenants.
  if (
    command.agent === undefined ||
    command.agent.tenant_id !== command.tenant_id ||
    command.agent.agent_id !== command.agent_id
  ) {
    return refuse({ kind: 'agent_not_found', agent_id: command.agent_id, tenant_id: command.tenant_id });
  }
  return accept({
    type: 'RunCreated',
    data: {
      run_id: command.run_id,
      tenant_id: command.tenant_id,
      agent_id: command.agent_id,
      goal: command.goal,
      origin_system_id: command.origin_system_id,
      budget_cents: command.agent.budget_cents,
    },
  });
};

/** The steps of an observed run are the spans it was recorded from, named otel.<operation>: a skill
 * of this product never runs in it, and an observed step never in a planned run. */
export const OBSERVED_SKILL_PREFIX = 'otel.';

const decideObservedStep = (step: StepExecuted) =>
  step.skill.startsWith(OBSERVED_SKILL_PREFIX)
    ? accept({ type: 'StepExecuted', data: step })
    : refuse({
        kind: 'step_not_in_plan',
        step_index: step.step_index,
        planned_skill: null,
        skill: step.skill,
      });

const decideStep = (step: StepExecuted, state: RunState) => {
  if (state.status !== 'running')
    return refuse({ kind: 'not_running', command: 'RecordStep', status: state.status });
  if (step.step_index !== state.nextStepIndex) {
    return refuse({
      kind: 'step_out_of_order',
      expected_step_index: state.nextStepIndex,
      step_index: step.step_index,
    });
  }
  if (state.plan === null) return decideObservedStep(step);
  const planned = planStepAt(state.plan, step.step_index);
  if (planned === undefined || planned.skill !== step.skill) {
    return refuse({
      kind: 'step_not_in_plan',
      step_index: step.step_index,
      planned_skill: planned?.skill ?? null,
      skill: step.skill,
    });
  }
  return accept({ type: 'StepExecuted', data: step });
};

const decideComplete = (command: Extract<RunCommand, { type: 'CompleteRun' }>, state: RunState) => {
  if (state.status === 'none') return refuse({ kind: 'run_not_created' });
  if (command.status === 'succeeded') {
    if (state.status !== 'running')
      return refuse({ kind: 'not_running', command: 'CompleteRun', status: state.status });
    if (state.plan !== null && state.nextStepIndex < plannedStepCount(state.plan)) {
      return refuse({
        kind: 'steps_remaining',
        executed: state.nextStepIndex,
        planned: plannedStepCount(state.plan),
      });
    }
    if (state.failedSteps > 0)
      return refuse({ kind: 'error_required', status: 'succeeded with failed steps' });
    return accept({ type: 'RunCompleted', data: { status: 'succeeded' } });
  }
  if (command.error === undefined) return refuse({ kind: 'error_required', status: command.status });
  return accept({ type: 'RunCompleted', data: { status: command.status, error: command.error } });
};

const decidePlanningAttempt = (attempt: PlanningAttempted, state: RunState) => {
  if (state.status === 'none') return refuse({ kind: 'run_not_created' });
  if (state.status !== 'created') return refuse({ kind: 'already_planned' });
  if (attempt.attempt !== state.planningAttempts + 1)
    return refuse({
      kind: 'planning_attempt_out_of_order',
      expected_attempt: state.planningAttempts + 1,
      attempt: attempt.attempt,
    });
  return accept({ type: 'PlanningAttempted', data: attempt });
};

/** Commands in, events out. Pure: every rule of a run's life is here, not in the database. */
const decideRun = (command: RunCommand, state: RunState): E.Either<RunDomainError, RunEvent[]> => {
  if (state.status === 'completed' && command.type !== 'CreateRun')
    return refuse({ kind: 'run_completed', command: command.type });
  switch (command.type) {
    case 'CreateRun':
      return decideCreate(command, state);
    case 'RecordPlanningAttempt':
      return decidePlanningAttempt(command.attempt, state);
    case 'RecordPlan': {
      if (state.status === 'none') return refuse({ kind: 'run_not_created' });
      if (state.status !== 'created') return refuse({ kind: 'already_planned' });
      const problem = planIndexesProblem(command.plan);
      return problem
        ? refuse({ kind: 'invalid_plan_indexes', message: problem })
        : accept({ type: 'RunPlanned', data: { plan: command.plan } });
    }
    case 'RecordObservation':
      if (state.status === 'none') return refuse({ kind: 'run_not_created' });
      if (state.status !== 'created' || state.planningAttempts > 0)
        return refuse({ kind: 'already_planned' });
      return accept({ type: 'RunObserved', data: command.observation });
    case 'StartRun':
      if (state.status === 'none') return refuse({ kind: 'run_not_created' });
      if (state.status !== 'planned') return refuse({ kind: 'not_planned', command: 'StartRun' });
      return accept({ type: 'RunStarted', data: { attempt: 1 } });
    case 'ResumeRun':
      if (state.status === 'none') return refuse({ kind: 'run_not_created' });
      if (state.status !== 'running')
        return refuse({ kind: 'not_running', command: 'ResumeRun', status: state.status });
      if (state.plan === null) return refuse({ kind: 'observed_run', command: 'ResumeRun' });
      return accept({ type: 'RunStarted', data: { attempt: state.attempt + 1 } });
    case 'RecordStep':
      if (state.status === 'created' || state.status === 'none')
        return refuse({ kind: 'not_planned', command: 'RecordStep' });
      return decideStep(command.step, state);
    case 'CompleteRun':
      return decideComplete(command, state);
  }
};

const evolveRun = (state: RunState, event: RunEvent): RunState => {
  switch (event.type) {
    case 'RunCreated':
      return { status: 'created', run: event.data, planningAttempts: 0, spentCents: 0 };
    case 'PlanningAttempted':
      return state.status === 'created'
        ? {
            ...state,
            planningAttempts: event.data.attempt,
            spentCents: state.spentCents + event.data.cost_cents,
          }
        : state;
    case 'RunPlanned':
      return state.status === 'created'
        ? { status: 'planned', run: state.run, plan: event.data.plan, spentCents: state.spentCents }
        : state;
    case 'RunObserved':
      return state.status === 'created'
        ? { status: 'planned', run: state.run, plan: null, spentCents: state.spentCents }
        : state;
    case 'RunStarted':
      if (state.status === 'running') return { ...state, attempt: event.data.attempt };
      return state.status === 'planned'
        ? {
            status: 'running',
            run: state.run,
            plan: state.plan,
            attempt: event.data.attempt,
            nextStepIndex: 0,
            failedSteps: 0,
            spentCents: state.spentCents,
          }
        : state;
    case 'StepExecuted': {
      if (state.status !== 'running') return state;
      // A failed span does not decide an observed run's outcome: its root span's status does.
      const stops =
        event.data.status === 'failed' &&
        state.plan !== null &&
        planStepAt(state.plan, event.data.step_index)?.on_failure !== 'continue';
      return {
        ...state,
        nextStepIndex: event.data.step_index + 1,
        failedSteps: state.failedSteps + (stops ? 1 : 0),
        spentCents: state.spentCents + event.data.cost_cents,
      };
    }
    case 'RunCompleted':
      return state.status === 'none'
        ? state
        : {
            status: 'completed',
            run: state.run,
            outcome: event.data.status,
            attempt: state.status === 'running' ? state.attempt : 0,
          };
  }
};

/** The run's life as one value: every rule of it, and how its events fold into its state. */
export const runDecider: Decider<RunState, RunCommand, RunEvent, RunDomainError> = {
  decide: decideRun,
  evolve: evolveRun,
  initialState: () => initialRunState,
};
