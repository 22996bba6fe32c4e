import type { RunCommand } from '../run/run-decider.js';
import type { RunErrorInfo, RunObserved, StepExecuted } from '../run/run-events.js';
import { observedAgentId, observedRunId } from './observed-ids.js';
import { observedGoalText } from './observed-goal.js';
import { earlierAttempts, stepsWithAttempts } from './observed-attempts.js';
import { observedStep } from './observed-step.js';
import { goalText, idText, oneLineText } from './observed-text.js';
import { GenAi, stringAttribute } from './span-attributes.js';
import type { StagedSpan, TraceRun } from './trace-runs.js';

/** The agent an observed run is of: registered in the tenant on first sight. */
export type ObservedAgent = {
  readonly agent_id: string;
  readonly name: string;
  readonly service_name: string;
};

/** Everything an observed run is recorded with, derived from its spans alone. */
export type ObservedRun = {
  readonly run_id: string;
  readonly tenant_id: string;
  readonly agent: ObservedAgent;
  readonly goal: string;
  readonly origin_system_id: string;
  readonly observation: RunObserved;
  readonly steps: readonly StepExecuted[];
  readonly completion: { readonly status: 'succeeded' | 'failed'; readonly error?: RunErrorInfo };
  /** The spans recorded in it: its root and its steps. */
  readonly span_ids: readonly string[];
};

const UNKNOWN_SERVICE = 'unknown_service';

const receivedRange = (spans: readonly StagedSpan[]) => {
  const times = spans.map((s) => s.received_at).sort();
  return { first: times[0]!, last: times[times.length - 1]! };
};

const completionOf = (root: StagedSpan['span']): ObservedRun['completion'] => {
  const errorType = stringAttribute(root.attributes, GenAi.errorType);
  if (root.status.code !== 'error' && errorType === undefined) return { status: 'succeeded' };
  const message =
    root.status.message === '' ? `the agent's span ended with status ERROR` : root.status.message;
  return { status: 'failed', error: { code: errorType ?? 'AGENT_FAILED', message } };
};

/** A trace's run as it is recorded in `tenantId` (docs/OBSERVED-RUNS.md). */
export const observedRun = (tenantId: string, run: TraceRun): ObservedRun => {
  const root = run.root.span;
  const service = stringAttribute(root.resource, GenAi.serviceName) ?? UNKNOWN_SERVICE;
  const agentName = stringAttribute(root.attributes, GenAi.agentName);
  const agentKey = stringAttribute(root.attributes, GenAi.agentId) ?? agentName ?? root.name;
  const received = receivedRange([run.root, ...run.steps]);
  const { steps, attemptsOf } = stepsWithAttempts(run.steps);
  return {
    run_id: observedRunId(tenantId, root.trace_id, root.span_id),
    tenant_id: tenantId,
    agent: {
      agent_id: observedAgentId(tenantId, service, agentKey),
      name: oneLineText(agentName ?? root.name, 200, 'observed agent'),
      service_name: service,
    },
    goal: goalText(observedGoalText(root.attributes, root.name), 'observed run'),
    origin_system_id: idText(service, UNKNOWN_SERVICE),
    observation: {
      source: 'otlp',
      trace_id: root.trace_id,
      root_span_id: root.span_id,
      root_span_name: root.name,
      service_name: service,
      start_time_unix_nano: root.start_time_unix_nano,
      end_time_unix_nano: root.end_time_unix_nano,
      status: root.status,
      attributes: root.attributes,
      resource: root.resource,
      first_received_at: received.first,
      last_received_at: received.last,
    },
    steps: steps.map((step, index) => {
      const recorded = observedStep(step.span, index);
      const attempts = earlierAttempts(attemptsOf.get(step.span.span_id) ?? []);
      return attempts.length === 0 ? recorded : { ...recorded, retry_count: attempts.length, attempts };
    }),
    completion: completionOf(root),
    span_ids: [root.span_id, ...run.steps.map((step) => step.span.span_id)],
  };
};

/** The commands that record an observed run, in one append: created, observed (in place of a
 * plan), started, each step, completed. The agent view is the registered observed agent. */
export const observedRunCommands = (run: ObservedRun, budgetCents: number): RunCommand[] => [
  {
    type: 'CreateRun',
    run_id: run.run_id,
    tenant_id: run.tenant_id,
    agent_id: run.agent.agent_id,
    goal: run.goal,
    origin_system_id: run.origin_system_id,
    agent: { agent_id: run.agent.agent_id, tenant_id: run.tenant_id, budget_cents: budgetCents },
  },
  { type: 'RecordObservation', observation: run.observation },
  { type: 'StartRun' },
  ...run.steps.map((step): RunCommand => ({ type: 'RecordStep', step })),
  { type: 'CompleteRun', status: run.completion.status, error: run.completion.error },
];
