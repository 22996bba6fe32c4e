import type { RunSummary } from '../ports/read-model.js';
import {
  catchUpAllProjections,
  catchUpRunProjections,
  type CatchUpWarning,
} from '../projections/catch-up.js';
import type { Services } from '../services.js';

/** One run as the runs read model holds it, once the projections hold its events (a run whose
 * process died before projecting its last events is shown as the store has it). */
export const getRun = async (
  services: Pick<Services, 'store' | 'readModel'>,
  tenantId: string,
  runId: string,
  warn?: CatchUpWarning,
): Promise<RunSummary | undefined> => {
  await catchUpRunProjections(services, tenantId, runId, warn);
  return services.readModel.queries.getRun(tenantId, runId);
};

/** The tenant's latest runs, newest first, once the projections are caught up. */
export const listRuns = async (
  services: Pick<Services, 'readModel'>,
  tenantId: string,
  limit: number,
): Promise<RunSummary[]> => {
  await catchUpAllProjections(services);
  return services.readModel.queries.listRuns(tenantId, limit);
};
