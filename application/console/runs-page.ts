import type { RunListCursor, RunListFilter, RunListItem } from '../ports/read-model.js';
import { catchUpAllProjections } from '../projections/catch-up.js';
import type { Services } from '../services.js';

/** A page of the runs list and where the next one starts (null on the last page). */
export type RunsPage = {
  readonly runs: readonly Omit<RunListItem, 'cursor'>[];
  readonly next: RunListCursor | null;
};

/** The console's runs list (GET /api/runs): the tenant's runs newest first, filtered, one page
 * after `after`, once the projections are caught up. One more row than the page is read to know
 * whether another page follows. */
export const runsPage = async (
  services: Pick<Services, 'readModel'>,
  tenantId: string,
  filter: RunListFilter,
  after: RunListCursor | null,
  limit: number,
): Promise<RunsPage> => {
  await catchUpAllProjections(services);
  const rows = await services.readModel.queries.pageRuns(tenantId, filter, after, limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    runs: page.map(({ cursor: _cursor, ...run }) => run),
    next: rows.length > limit && last !== undefined ? last.cursor : null,
  };
};
