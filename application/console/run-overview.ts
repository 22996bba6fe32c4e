import * as E from 'fp-ts/lib/Either.js';
import type { EventStoreError } from '../../domain/ports/event-store.js';
import type { PlanningAttempted } from '../../domain/run/run-events.js';
import { runPlanningAttempts } from '../planning/run-planning-attempts.js';
import type { RunSummary } from '../ports/read-model.js';
import { getRun } from '../runs/run-queries.js';
import type { Services } from '../services.js';

/** A run as the console's run page heads it: the run, its agent's planner (`template`, `llm`,
 * `observed`), and its exchanges with the planner's model (empty for a template). */
export type RunOverview = RunSummary & {
  readonly planner: string | null;
  readonly planning: readonly PlanningAttempted[];
};

/** GET /api/runs/{run_id}: the run of this tenant, or null when the tenant has no such run (another
 * tenant's run is not found, exactly like a missing one). */
export const runOverview = async (
  services: Pick<Services, 'store' | 'readModel'>,
  tenantId: string,
  runId: string,
): Promise<E.Either<EventStoreError, RunOverview | null>> => {
  const run = await getRun(services, tenantId, runId);
  if (run === undefined) return E.right(null);
  const planning = await runPlanningAttempts(services.store, tenantId, runId);
  if (E.isLeft(planning)) return planning;
  const agents = await services.readModel.queries.listAgents(tenantId);
  const planner = agents.find((a) => a.agent_id === run.agent_id)?.planner ?? null;
  return E.right({ ...run, planner, planning: planning.right });
};
