import type { RunMemory } from '../../domain/planning/planning-prompt.js';
import type { RunQueries } from '../ports/read-model.js';

/** How many earlier runs the planner is shown. */
const MEMORY_RUNS = 5;

/** The planner's memory of an agent: its last completed runs in the tenant (the read model is read
 * by tenant, so another tenant's runs are never in it), with their goals, plans and outcomes. */
export const agentMemoryFrom =
  (queries: RunQueries) =>
  async (tenantId: string, agentId: string): Promise<readonly RunMemory[]> =>
    (await queries.completedRunsOfAgent(tenantId, agentId, MEMORY_RUNS)).map((run) => ({
      goal: run.goal,
      status: run.status,
      plan: (run.plan ?? null) as RunMemory['plan'],
      error: (run.error ?? null) as RunMemory['error'],
      completed_at: run.completed_at,
    }));
