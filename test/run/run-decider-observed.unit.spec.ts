import { describe, it } from 'vitest';
import { runDecider } from '../../domain/run/run-decider.js';
import type { RunEvent, RunObserved, StepExecuted } from '../../domain/run/run-events.js';
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
    origin_system_id: 'weather-service',
    budget_cents: 0,
  },
};
const observation: RunObserved = {
  source: 'otlp',
  trace_id: '5b8aa5a2d2c872e8321cf37308d69df2',
  root_span_id: '0000000000000001',
  root_span_name: 'invoke_agent Weather agent',
  service_name: 'weather-service',
  start_time_unix_nano: '1765000000000000000',
  end_time_unix_nano: '1765000001000000000',
  status: { code: 'unset', message: '' },
  attributes: {},
  resource: { 'service.name': 'weather-service' },
  first_received_at: '2026-12-06T10:00:00.000Z',
  last_received_at: '2026-12-06T10:00:00.000Z',
};
const observed: RunEvent = { type: 'RunObserved', data: observation };
const started: RunEvent = { type: 'RunStarted', data: { attempt: 1 } };
const step = (
  index: number,
  skill = 'otel.chat',
  status: StepExecuted['status'] = 'succeeded',
): StepExecuted => ({
  step_index: index,
  skill,
  params: {},
  status,
  outcome: { category: status, code: status === 'failed' ? 'ERROR' : 'OK', data: {} },
  cost_cents: 0,
  duration_ms: 5,
  retry_count: 0,
});
const executed = (s: StepExecuted): RunEvent => ({ type: 'StepExecuted', data: s });
const plan: Plan = {
  planner: 'template',
  planner_version: '1',
  steps: [{ index: 0, skill: 'echo', params: {} }],
};

describe('Run decider: observed runs', () => {
  it('records the observation of a created run in place of a plan', () =>
    spec.given(created).when({ type: 'RecordObservation', observation }).then(observed));

  it('refuses an observation after a plan, or after a planning attempt', () => {
    spec
      .given(created, { type: 'RunPlanned', data: { plan } })
      .when({ type: 'RecordObservation', observation })
      .thenRefuses({ kind: 'already_planned' });
    spec.given().when({ type: 'RecordObservation', observation }).thenRefuses({ kind: 'run_not_created' });
  });

  it('takes otel.* steps in order, and no skill of this product', () => {
    spec
      .given(created, observed, started)
      .when({ type: 'RecordStep', step: step(0) })
      .then(executed(step(0)));
    spec
      .given(created, observed, started)
      .when({ type: 'RecordStep', step: step(1) })
      .thenRefuses({ kind: 'step_out_of_order', expected_step_index: 0 });
    spec
      .given(created, observed, started)
      .when({ type: 'RecordStep', step: step(0, 'echo') })
      .thenRefuses({ kind: 'step_not_in_plan', skill: 'echo' });
  });

  it('refuses an otel.* step in a planned run', () =>
    spec
      .given(created, { type: 'RunPlanned', data: { plan } }, started)
      .when({ type: 'RecordStep', step: step(0, 'otel.chat') })
      .thenRefuses({ kind: 'step_not_in_plan', planned_skill: 'echo' }));

  it('succeeds with a failed step: the root span, not a step, says how the agent ended', () =>
    spec
      .given(created, observed, started, executed(step(0, 'otel.execute_tool', 'failed')), executed(step(1)))
      .when({ type: 'CompleteRun', status: 'succeeded' })
      .then({ type: 'RunCompleted', data: { status: 'succeeded' } }));

  it('is never resumed: nothing of it runs here', () =>
    spec
      .given(created, observed, started, executed(step(0)))
      .when({ type: 'ResumeRun' })
      .thenRefuses({ kind: 'observed_run', command: 'ResumeRun' }));
});
