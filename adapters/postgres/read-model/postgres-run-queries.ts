import { tenantQuery } from '../tenant-transaction.js';
import type pg from 'pg';
import type { AgentSummary, RunQueries, RunSummary } from '../../../application/ports/read-model.js';
import { pageRunsQuery } from './postgres-run-page.js';

type RunRow = {
  run_id: string;
  tenant_id: string;
  agent_id: string;
  goal: string;
  origin_system_id: string;
  budget_cents: string;
  status: string;
  attempt: number;
  plan: unknown;
  observation: unknown;
  error: unknown;
  created_at: Date;
  completed_at: Date | null;
  version: number;
};

const runSummary = (r: RunRow): RunSummary => ({
  run_id: r.run_id,
  tenant_id: r.tenant_id,
  agent_id: r.agent_id,
  goal: r.goal,
  origin_system_id: r.origin_system_id,
  budget_cents: Number(r.budget_cents),
  status: r.status,
  attempt: r.attempt,
  plan: r.plan,
  observation: r.observation,
  error: r.error,
  created_at: r.created_at.toISOString(),
  completed_at: r.completed_at?.toISOString() ?? null,
  chain_length: r.version,
});

type AgentRow = {
  agent_id: string;
  name: string;
  budget_cents: string;
  created_at: Date;
  planner: string;
  steps: number | null;
};

const agentSummary = (r: AgentRow): AgentSummary => ({
  agent_id: r.agent_id,
  name: r.name,
  budget_cents: Number(r.budget_cents),
  planner: r.planner,
  steps: r.steps,
  created_at: r.created_at.toISOString(),
});

type CheckpointRow = {
  name: string;
  transaction_id: string;
  global_position: string;
  updated_at: Date;
  pending: string;
  total: string;
};

const GET_RUN = 'SELECT * FROM runs WHERE tenant_id = $1 AND run_id = $2';
const LIST_RUNS = 'SELECT * FROM runs WHERE tenant_id = $1 ORDER BY created_at DESC, run_id LIMIT $2';
const COMPLETED_RUNS_OF_AGENT = `SELECT * FROM runs WHERE tenant_id = $1 AND agent_id = $2 AND completed_at IS NOT NULL
   ORDER BY completed_at DESC, run_id LIMIT $3`;
const LIST_AGENTS = `SELECT agent_id, name, budget_cents, created_at, planner->>'kind' AS planner,
        jsonb_array_length(plan_template->'steps') AS steps
   FROM agents WHERE tenant_id = $1 ORDER BY created_at, agent_id`;
const PROJECTION_STATUS = `SELECT c.name, c.transaction_id, c.global_position, c.updated_at,
        (SELECT count(*) FROM aos_events e WHERE (e.transaction_id::text::bigint, e.global_position) > (c.transaction_id, c.global_position)) AS pending,
        (SELECT count(*) FROM aos_events) AS total
   FROM aos_projection_checkpoints c ORDER BY c.name`;

/** The `runs` and `agents` read models, read by tenant, each read in a transaction naming it (on
 * aos_reader's pool, row-level security keeps it to that tenant), and the projection checkpoints
 * with the events still to apply, on `statusPool` (aos_auditor's: it counts every tenant's events). */
export const postgresRunQueries = (pool: pg.Pool, statusPool: pg.Pool = pool): RunQueries => ({
  pageRuns: pageRunsQuery(pool),
  getRun: async (tenantId, runId) => {
    const row = (await tenantQuery<RunRow>(pool, tenantId, GET_RUN, [tenantId, runId])).rows[0];
    return row ? runSummary(row) : undefined;
  },
  listRuns: async (tenantId, limit) =>
    (await tenantQuery<RunRow>(pool, tenantId, LIST_RUNS, [tenantId, limit])).rows.map(runSummary),
  completedRunsOfAgent: async (tenantId, agentId, limit) =>
    (await tenantQuery<RunRow>(pool, tenantId, COMPLETED_RUNS_OF_AGENT, [tenantId, agentId, limit])).rows.map(
      runSummary,
    ),
  listAgents: async (tenantId) =>
    (await tenantQuery<AgentRow>(pool, tenantId, LIST_AGENTS, [tenantId])).rows.map(agentSummary),
  projectionStatus: async (eventsCounted) =>
    (await statusPool.query<CheckpointRow>(PROJECTION_STATUS)).rows.map((r) => ({
      name: r.name,
      transaction_id: r.transaction_id,
      global_position: r.global_position,
      pending_events: eventsCounted ? Number(r.pending) : null,
      total_events: eventsCounted ? Number(r.total) : null,
      updated_at: r.updated_at.toISOString(),
    })),
});
