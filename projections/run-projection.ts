import { runIdOfStream } from '../domain/stream-names.js';
import type { AgentEvent } from '../domain/agent/agent-events.js';
import { planTemplateOf } from '../domain/agent/agent-planner.js';
import type { RunEvent } from '../domain/run/run-events.js';
import type { ProjectedEvent } from './projected-event.js';
import {
  agentsTable,
  aosRunSealsTable,
  aosTracesTable,
  aosTraceStepsTable,
  runsTable,
} from './projection-tables.js';
import type { RowChange } from './row-change.js';

type RunEventOf<T extends RunEvent['type']> = Extract<RunEvent, { type: T }>;

/** What every change of a run's rows is keyed and chained by. */
const runRowsOf = (e: ProjectedEvent) => {
  const run_id = runIdOfStream(e.stream_id);
  return { run_id, key: { run_id }, chain: { root_hash: e.link, chain_length: e.seq + 1 } };
};

const runCreated = (e: ProjectedEvent, event: RunEventOf<'RunCreated'>): RowChange[] => {
  const { run_id, chain } = runRowsOf(e);
  const d = event.data;
  return [
    {
      kind: 'insert',
      table: aosTracesTable,
      row: {
        run_id,
        tenant_id: e.tenant_id,
        agent_id: d.agent_id,
        origin_system_id: d.origin_system_id,
        goal: d.goal,
        status: 'created',
        created_at: e.recorded_at,
        started_at: null,
        completed_at: null,
        ...chain,
        step_count: 0,
        total_cost_cents: 0,
        error_code: null,
        error_message: null,
      },
    },
    {
      kind: 'insert',
      table: runsTable,
      row: {
        run_id,
        tenant_id: e.tenant_id,
        agent_id: d.agent_id,
        goal: d.goal,
        origin_system_id: d.origin_system_id,
        budget_cents: d.budget_cents,
        status: 'created',
        attempt: 0,
        plan: null,
        observation: null,
        error: null,
        created_at: e.recorded_at,
        completed_at: null,
        version: e.seq + 1,
      },
    },
  ];
};

const runPlanned = (e: ProjectedEvent, event: RunEventOf<'RunPlanned'>): RowChange[] => {
  const { key, chain } = runRowsOf(e);
  return [
    { kind: 'update', table: aosTracesTable, key, set: { status: 'planned', ...chain } },
    {
      kind: 'update',
      table: runsTable,
      key,
      set: { status: 'planned', plan: event.data.plan, version: e.seq + 1 },
    },
  ];
};

const runObserved = (e: ProjectedEvent, event: RunEventOf<'RunObserved'>): RowChange[] => {
  const { key, chain } = runRowsOf(e);
  const d = event.data;
  return [
    { kind: 'update', table: aosTracesTable, key, set: { status: 'planned', ...chain } },
    {
      kind: 'update',
      table: runsTable,
      key,
      set: {
        status: 'planned',
        observation: {
          source: d.source,
          trace_id: d.trace_id,
          root_span_id: d.root_span_id,
          service_name: d.service_name,
        },
        version: e.seq + 1,
      },
    },
  ];
};

const planningAttempted = (e: ProjectedEvent, event: RunEventOf<'PlanningAttempted'>): RowChange[] => {
  const { key, chain } = runRowsOf(e);
  return [
    // What planning cost counts in the run's cost (and against its budget).
    {
      kind: 'update',
      table: aosTracesTable,
      key,
      set: chain,
      increment: { total_cost_cents: event.data.cost_cents },
    },
    { kind: 'update', table: runsTable, key, set: { version: e.seq + 1 } },
  ];
};

const runStarted = (e: ProjectedEvent, event: RunEventOf<'RunStarted'>): RowChange[] => {
  const { key, chain } = runRowsOf(e);
  return [
    // A resumed run (attempt > 1) keeps the time it first started.
    {
      kind: 'update',
      table: aosTracesTable,
      key,
      set: {
        status: 'running',
        ...(event.data.attempt === 1 ? { started_at: e.recorded_at } : {}),
        ...chain,
      },
    },
    {
      kind: 'update',
      table: runsTable,
      key,
      set: { status: 'running', attempt: event.data.attempt, version: e.seq + 1 },
    },
  ];
};

const stepExecuted = (e: ProjectedEvent, event: RunEventOf<'StepExecuted'>): RowChange[] => {
  const { run_id, key, chain } = runRowsOf(e);
  const d = event.data;
  return [
    {
      kind: 'insert',
      table: aosTraceStepsTable,
      row: {
        run_id,
        tenant_id: e.tenant_id,
        seq: e.seq,
        step_index: d.step_index,
        skill_name: d.skill,
        params: d.params,
        status: d.status,
        outcome_category: d.outcome.category,
        outcome_code: d.outcome.code,
        outcome_data: d.outcome.data,
        cost_cents: d.cost_cents,
        duration_ms: d.duration_ms,
        retry_count: d.retry_count,
        attempts: d.attempts ?? [],
        recorded_at: e.recorded_at,
        link: e.link,
      },
    },
    {
      kind: 'update',
      table: aosTracesTable,
      key,
      set: chain,
      increment: { step_count: 1, total_cost_cents: d.cost_cents },
    },
    { kind: 'update', table: runsTable, key, set: { version: e.seq + 1 } },
  ];
};

const runCompleted = (e: ProjectedEvent, event: RunEventOf<'RunCompleted'>): RowChange[] => {
  const { key, chain } = runRowsOf(e);
  const d = event.data;
  return [
    {
      kind: 'update',
      table: aosTracesTable,
      key,
      set: {
        status: d.status,
        completed_at: e.recorded_at,
        error_code: d.error?.code ?? null,
        error_message: d.error?.message ?? null,
        ...chain,
      },
    },
    {
      kind: 'update',
      table: runsTable,
      key,
      set: { status: d.status, error: d.error ?? null, completed_at: e.recorded_at, version: e.seq + 1 },
    },
  ];
};

const runEventChanges = (e: ProjectedEvent, event: RunEvent): RowChange[] => {
  switch (event.type) {
    case 'RunCreated':
      return runCreated(e, event);
    case 'PlanningAttempted':
      return planningAttempted(e, event);
    case 'RunPlanned':
      return runPlanned(e, event);
    case 'RunObserved':
      return runObserved(e, event);
    case 'RunStarted':
      return runStarted(e, event);
    case 'StepExecuted':
      return stepExecuted(e, event);
    case 'RunCompleted':
      return runCompleted(e, event);
  }
};

const agentEventChanges = (e: ProjectedEvent, event: AgentEvent): RowChange[] => {
  const d = event.data;
  return [
    {
      kind: 'insert',
      table: agentsTable,
      row: {
        agent_id: d.agent_id,
        tenant_id: e.tenant_id,
        name: d.name,
        plan_template: planTemplateOf(d.planner),
        planner: d.planner.kind === 'template' ? { kind: 'template' } : d.planner,
        budget_cents: d.budget_cents,
        allowed_hosts: d.allowed_hosts,
        created_at: e.recorded_at,
      },
    },
  ];
};

/** Event → row changes for `aos_traces`, `aos_trace_steps`, `runs`, `agents` and `aos_run_seals`.
 * Every value comes from the event and its envelope (no clock, no sequence), so a rebuild equals
 * the live tables. */
export const rowChangesOf = (e: ProjectedEvent): RowChange[] => {
  switch (e.event.type) {
    case 'AgentRegistered':
      return agentEventChanges(e, e.event);
    case 'RunSealed':
      return [
        {
          kind: 'insert',
          table: aosRunSealsTable,
          ifAbsent: true,
          row: { run_id: e.event.data.checkpoint.run_id, tenant_id: e.tenant_id, ledger_index: e.seq },
        },
      ];
    default:
      return runEventChanges(e, e.event);
  }
};
