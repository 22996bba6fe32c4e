import { describe, expect, it } from 'vitest';
import { runDecider } from '../../domain/run/run-decider.js';
import type { PlanningAttempted, RunEvent } from '../../domain/run/run-events.js';
import type { Plan } from '../../domain/plan/plan.js';
import { deciderSpec } from '../support/decider-spec.js';

const spec = deciderSpec(runDecider);

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
const attemptData = (attempt: number, cost_cents = 3): PlanningAttempted => ({
  attempt,
  model: 'm',
  messages: [{ role: 'user', content: 'plan' }],
  response_format: 'json_schema',
  outcome: 'invalid',
  latency_ms: 5,
  cost_cents,
  validation_errors: [{ step_index: 0, field: 'skill', message: 'unknown skill "x"' }],
  answer: { content: '{"steps":[]}', finish_reason: 'stop', model: 'm' },
});
const attempted = (attempt: number, cost = 3): RunEvent => ({
  type: 'PlanningAttempted',
  data: attemptData(attempt, cost),
});
const plan: Plan = {
  planner: 'llm',
  planner_version: '1',
  steps: [{ index: 0, skill: 'echo', params: { message: 'a' } }],
};
const planned: RunEvent = { type: 'RunPlanned', data: { plan } };
const started: RunEvent = { type: 'RunStarted', data: { attempt: 1 } };

describe('Run decider: planning attempts', () => {
  it('records the first attempt of a created run', () =>
    spec
      .given(created)
      .when({ type: 'RecordPlanningAttempt', attempt: attemptData(1) })
      .then(attempted(1)));

  it('records attempts in order, then the plan', () => {
    spec
      .given(created, attempted(1))
      .when({ type: 'RecordPlanningAttempt', attempt: attemptData(2) })
      .then(attempted(2));
    spec.given(created, attempted(1), attempted(2)).when({ type: 'RecordPlan', plan }).then(planned);
  });

  it('refuses an attempt out of order', () =>
    spec
      .given(created, attempted(1))
      .when({ type: 'RecordPlanningAttempt', attempt: attemptData(3) })
      .thenRefuses({ kind: 'planning_attempt_out_of_order', expected_attempt: 2, attempt: 3 }));

  it('refuses an attempt before the run exists, and after its plan', () => {
    spec
      .given()
      .when({ type: 'RecordPlanningAttempt', attempt: attemptData(1) })
      .thenRefuses({ kind: 'run_not_created' });
    spec
      .given(created, planned)
      .when({ type: 'RecordPlanningAttempt', attempt: attemptData(1) })
      .thenRefuses({ kind: 'already_planned' });
  });

  it('lets a run whose planning gave no plan fail PLANNING_FAILED, with nothing executed', () =>
    spec
      .given(created, attempted(1), attempted(2))
      .when({
        type: 'CompleteRun',
        status: 'failed',
        error: { code: 'PLANNING_FAILED', message: 'no valid plan' },
      })
      .then({
        type: 'RunCompleted',
        data: { status: 'failed', error: { code: 'PLANNING_FAILED', message: 'no valid plan' } },
      }));

  it("counts what planning cost in the run's spending once it runs", () => {
    const state = [created, attempted(1, 7), attempted(2, 5), planned, started].reduce(
      runDecider.evolve,
      runDecider.initialState(),
    );
    expect(state).toMatchObject({ status: 'running', spentCents: 12 });
  });
});
