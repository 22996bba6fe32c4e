import { describe, it } from 'vitest';
import { runDecider, type RunCommand } from '../../domain/run/run-decider.js';
import type { RunEvent, StepExecuted } from '../../domain/run/run-events.js';
import type { Plan } from '../../domain/plan/plan.js';
import { deciderSpec } from '../support/decider-spec.js';

const spec = deciderSpec(runDecider);

const agent = { agent_id: 'agent-1', tenant_id: 'tenant-a', budget_cents: 100 };
const create: RunCommand = {
  type: 'CreateRun',
  run_id: 'r-1',
  tenant_id: 'tenant-a',
  agent_id: 'agent-1',
  goal: 'g',
  origin_system_id: 'cus-cli',
  agent,
};
const created: RunEvent = {
  type: 'RunCreated',
  data: {
    run_id: 'r-1',
    tenant_id: 'tenant-a',
    agent_id: 'agent-1',
    goal: 'g',
    origin_system_id: 'cus-cli',
    budget_cents: 100,
  },
};
const plan: Plan = {
  planner: 'template',
  planner_version: '1',
  steps: [
    { index: 0, skill: 'echo', params: { message: 'a' } },
    { index: 1, skill: 'echo', params: { message: 'b' } },
  ],
};
const planned: RunEvent = { type: 'RunPlanned', data: { plan } };
const started: RunEvent = { type: 'RunStarted', data: { attempt: 1 } };
const stepResult = (index: number, status: StepExecuted['status'] = 'succeeded'): StepExecuted => ({
  step_index: index,
  skill: 'echo',
  params: { message: index === 0 ? 'a' : 'b' },
  status,
  outcome: { category: 'success', code: 'OK', data: {} },
  cost_cents: 0,
  duration_ms: 1,
  retry_count: 0,
});
const executed = (index: number, status: StepExecuted['status'] = 'succeeded'): RunEvent => ({
  type: 'StepExecuted',
  data: stepResult(index, status),
});

describe('Run decider', () => {
  describe('CreateRun', () => {
    it('creates a run with the agent budget', () => spec.given().when(create).then(created));
    it('refuses an unknown agent', () =>
      spec
        .given()
        .when({ ...create, agent: undefined })
        .thenRefuses({ kind: 'agent_not_found', agent_id: 'agent-1' }));
    it("refuses another tenant's agent exactly like an unknown one", () =>
      spec
        .given()
        .when({ ...create, agent: { ...agent, tenant_id: 'tenant-b' } })
        .thenRefuses({ kind: 'agent_not_found', tenant_id: 'tenant-a' }));
    it('refuses to create a run twice', () =>
      spec.given(created).when(create).thenRefuses({ kind: 'run_already_exists' }));
  });

  describe('RecordPlan', () => {
    it('stores the plan of a created run', () =>
      spec.given(created).when({ type: 'RecordPlan', plan }).then(planned));
    it('refuses a plan for a run that does not exist', () =>
      spec.given().when({ type: 'RecordPlan', plan }).thenRefuses({ kind: 'run_not_created' }));
    it('refuses a second plan', () =>
      spec
        .given(created, planned)
        .when({ type: 'RecordPlan', plan })
        .thenRefuses({ kind: 'already_planned' }));
    it('refuses step indexes out of order', () =>
      spec
        .given(created)
        .when({ type: 'RecordPlan', plan: { ...plan, steps: [{ ...plan.steps[0]!, index: 1 }] } })
        .thenRefuses({ kind: 'invalid_plan_indexes' }));
  });

  describe('StartRun and RecordStep', () => {
    it('starts a planned run as attempt 1', () =>
      spec.given(created, planned).when({ type: 'StartRun' }).then(started));
    it('refuses to start before the plan', () =>
      spec.given(created).when({ type: 'StartRun' }).thenRefuses({ kind: 'not_planned' }));
    it('refuses a step before the plan', () =>
      spec
        .given(created)
        .when({ type: 'RecordStep', step: stepResult(0) })
        .thenRefuses({ kind: 'not_planned', command: 'RecordStep' }));
    it('refuses a step of a planned run that has not started', () =>
      spec
        .given(created, planned)
        .when({ type: 'RecordStep', step: stepResult(0) })
        .thenRefuses({ kind: 'not_running' }));
    it('records the first step', () =>
      spec
        .given(created, planned, started)
        .when({ type: 'RecordStep', step: stepResult(0) })
        .then(executed(0)));
    it('refuses to skip a step', () =>
      spec
        .given(created, planned, started)
        .when({ type: 'RecordStep', step: stepResult(1) })
        .thenRefuses({ kind: 'step_out_of_order', expected_step_index: 0 }));
    it('refuses to record a step twice', () =>
      spec
        .given(created, planned, started, executed(0))
        .when({ type: 'RecordStep', step: stepResult(0) })
        .thenRefuses({ kind: 'step_out_of_order', expected_step_index: 1 }));
    it('refuses a step whose skill is not the planned one', () =>
      spec
        .given(created, planned, started)
        .when({ type: 'RecordStep', step: { ...stepResult(0), skill: 'http_call' } })
        .thenRefuses({ kind: 'step_not_in_plan', planned_skill: 'echo' }));
    it('refuses a step beyond the plan', () =>
      spec
        .given(created, planned, started, executed(0), executed(1))
        .when({ type: 'RecordStep', step: { ...stepResult(1), step_index: 2 } })
        .thenRefuses({ kind: 'step_not_in_plan', planned_skill: null }));
  });

  describe('CompleteRun', () => {
    it('succeeds when every planned step ran', () =>
      spec
        .given(created, planned, started, executed(0), executed(1))
        .when({ type: 'CompleteRun', status: 'succeeded' })
        .then({ type: 'RunCompleted', data: { status: 'succeeded' } }));
    it('refuses success with steps remaining', () =>
      spec
        .given(created, planned, started, executed(0))
        .when({ type: 'CompleteRun', status: 'succeeded' })
        .thenRefuses({ kind: 'steps_remaining', executed: 1, planned: 2 }));
    it('refuses success after a failed step', () =>
      spec
        .given(created, planned, started, executed(0, 'failed'), executed(1))
        .when({ type: 'CompleteRun', status: 'succeeded' })
        .thenRefuses({ kind: 'error_required' }));
    it('fails a run with its error', () => {
      const error = { code: 'STEP_FAILED', message: 'boom', step_index: 0 };
      spec
        .given(created, planned, started, executed(0, 'failed'))
        .when({ type: 'CompleteRun', status: 'failed', error })
        .then({ type: 'RunCompleted', data: { status: 'failed', error } });
    });
    it('fails a run whose plan was invalid, before any plan is stored', () => {
      const error = { code: 'PLAN_INVALID', message: 'unknown skill' };
      spec
        .given(created)
        .when({ type: 'CompleteRun', status: 'failed', error })
        .then({ type: 'RunCompleted', data: { status: 'failed', error } });
    });
    it('refuses a failure without an error', () =>
      spec
        .given(created, planned, started)
        .when({ type: 'CompleteRun', status: 'halted' })
        .thenRefuses({ kind: 'error_required' }));
    it('refuses anything after completion', () => {
      const completed: RunEvent = { type: 'RunCompleted', data: { status: 'succeeded' } };
      spec
        .given(created, planned, started, executed(0), executed(1), completed)
        .when({ type: 'RecordStep', step: stepResult(1) })
        .thenRefuses({ kind: 'run_completed' });
      spec
        .given(created, planned, started, executed(0), executed(1), completed)
        .when({ type: 'CompleteRun', status: 'succeeded' })
        .thenRefuses({ kind: 'run_completed' });
    });
  });

  describe('ResumeRun (a new process takes over a running run)', () => {
    it('starts the next attempt of a running run, keeping its steps', () =>
      spec
        .given(created, planned, started, executed(0))
        .when({ type: 'ResumeRun' })
        .then({ type: 'RunStarted', data: { attempt: 2 } }));
    it('counts attempts up across resumes', () =>
      spec
        .given(created, planned, started, { type: 'RunStarted', data: { attempt: 2 } })
        .when({ type: 'ResumeRun' })
        .then({ type: 'RunStarted', data: { attempt: 3 } }));
    it('continues after a resume with the first step without a record', () => {
      spec
        .given(created, planned, started, executed(0), { type: 'RunStarted', data: { attempt: 2 } })
        .when({ type: 'RecordStep', step: stepResult(1) })
        .then(executed(1));
      spec
        .given(created, planned, started, executed(0), { type: 'RunStarted', data: { attempt: 2 } })
        .when({ type: 'RecordStep', step: stepResult(0) })
        .thenRefuses({ kind: 'step_out_of_order', expected_step_index: 1 });
    });
    it('refuses to resume a run that has not started (it is planned or started by StartRun)', () => {
      spec
        .given(created, planned)
        .when({ type: 'ResumeRun' })
        .thenRefuses({ kind: 'not_running', command: 'ResumeRun', status: 'planned' });
      spec.given().when({ type: 'ResumeRun' }).thenRefuses({ kind: 'run_not_created' });
    });
    it('refuses to resume a completed run', () =>
      spec
        .given(created, planned, started, executed(0), executed(1), {
          type: 'RunCompleted',
          data: { status: 'succeeded' },
        })
        .when({ type: 'ResumeRun' })
        .thenRefuses({ kind: 'run_completed' }));
  });

  describe("a step whose plan says on_failure: 'continue'", () => {
    const lenient: RunEvent = {
      type: 'RunPlanned',
      data: {
        plan: {
          ...plan,
          steps: [
            { ...plan.steps[0]!, on_failure: 'continue' },
            { ...plan.steps[1]!, on_failure: 'stop' },
          ],
        },
      },
    };
    it('lets the run succeed after it failed', () =>
      spec
        .given(created, lenient, started, executed(0, 'failed'), executed(1))
        .when({ type: 'CompleteRun', status: 'succeeded' })
        .then({ type: 'RunCompleted', data: { status: 'succeeded' } }));
    it('still refuses success when a stop step failed', () =>
      spec
        .given(created, lenient, started, executed(0), executed(1, 'failed'))
        .when({ type: 'CompleteRun', status: 'succeeded' })
        .thenRefuses({ kind: 'error_required' }));
  });

  describe('a plan step with repeat', () => {
    const repeated: RunEvent = {
      type: 'RunPlanned',
      data: { plan: { ...plan, steps: [{ ...plan.steps[0]!, repeat: 3 }, plan.steps[1]!] } },
    };
    const step = (index: number, skill = 'echo'): StepExecuted => ({
      ...stepResult(0),
      step_index: index,
      skill,
    });
    const executedAt = (index: number): RunEvent => ({ type: 'StepExecuted', data: step(index) });
    it("runs as consecutive steps with the run's step_index, then the next plan step", () => {
      spec
        .given(created, repeated, started, executedAt(0), executedAt(1))
        .when({ type: 'RecordStep', step: step(2) })
        .then(executedAt(2));
      spec
        .given(created, repeated, started, executedAt(0), executedAt(1), executedAt(2))
        .when({ type: 'RecordStep', step: step(3) })
        .then(executedAt(3));
    });
    it('refuses success until every repetition ran', () =>
      spec
        .given(created, repeated, started, executedAt(0), executedAt(1), executedAt(2))
        .when({ type: 'CompleteRun', status: 'succeeded' })
        .thenRefuses({ kind: 'steps_remaining', executed: 3, planned: 4 }));
    it('refuses a step past the repetitions or of another skill', () => {
      spec
        .given(created, repeated, started, executedAt(0), executedAt(1), executedAt(2), executedAt(3))
        .when({ type: 'RecordStep', step: step(4) })
        .thenRefuses({ kind: 'step_not_in_plan', planned_skill: null });
      spec
        .given(created, repeated, started, executedAt(0))
        .when({ type: 'RecordStep', step: step(1, 'http_call') })
        .thenRefuses({ kind: 'step_not_in_plan', planned_skill: 'echo' });
    });
  });
});
