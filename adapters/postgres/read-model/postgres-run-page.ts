import { tenantQuery } from '../tenant-transaction.js';
import type pg from 'pg';
import type { RunListCursor, RunListFilter, RunListItem } from '../../../application/ports/read-model.js';

type PageRow = {
  run_id: string;
  agent_id: string;
  goal: string;
  origin_system_id: string;
  status: string;
  budget_cents: string;
  observed: boolean;
  step_count: number | null;
  cost_cents: string | null;
  ledger_index: number | null;
  created_at: Date;
  completed_at: Date | null;
  created_text: string;
};

// Every filter is a parameter that is null when absent: one statement, one plan shape. The order
// and the keyset condition match runs_tenant_newest (migration 0012): a page is one range scan.
const PAGE_RUNS = `SELECT r.run_id, r.agent_id, r.goal, r.origin_system_id, r.status, r.budget_cents,
        r.observation IS NOT NULL AS observed, t.step_count, t.total_cost_cents AS cost_cents,
        s.ledger_index, r.created_at, r.completed_at, r.created_at::text AS created_text
   FROM runs r
   LEFT JOIN aos_traces t ON t.run_id = r.run_id AND t.tenant_id = r.tenant_id
   LEFT JOIN aos_run_seals s ON s.run_id = r.run_id AND s.tenant_id = r.tenant_id
  WHERE r.tenant_id = $1
    AND ($2::text IS NULL OR r.status = $2)
    AND ($3::text IS NULL OR r.agent_id = $3)
    AND ($4::text IS NULL OR r.origin_system_id = $4)
    AND ($5::timestamptz IS NULL OR r.created_at >= $5)
    AND ($6::timestamptz IS NULL OR r.created_at < $6)
    AND ($7::text IS NULL OR strpos(lower(r.goal), lower($7)) > 0)
    AND ($8::timestamptz IS NULL OR (r.created_at, r.run_id) < ($8::timestamptz, $9::text))
  ORDER BY r.created_at DESC, r.run_id DESC
  LIMIT $10`;

const item = (r: PageRow): RunListItem => ({
  run_id: r.run_id,
  agent_id: r.agent_id,
  goal: r.goal,
  origin_system_id: r.origin_system_id,
  status: r.status,
  budget_cents: Number(r.budget_cents),
  observed: r.observed,
  step_count: r.step_count,
  cost_cents: r.cost_cents === null ? null : Number(r.cost_cents),
  ledger_index: r.ledger_index,
  created_at: r.created_at.toISOString(),
  completed_at: r.completed_at?.toISOString() ?? null,
  cursor: { created_at: r.created_text, run_id: r.run_id },
});

/** One page of the console's runs list (RunQueries.pageRuns). */
export const pageRunsQuery =
  (pool: pg.Pool) =>
  async (
    tenantId: string,
    filter: RunListFilter,
    after: RunListCursor | null,
    limit: number,
  ): Promise<RunListItem[]> =>
    (
      await tenantQuery<PageRow>(pool, tenantId, PAGE_RUNS, [
        tenantId,
        filter.status ?? null,
        filter.agent_id ?? null,
        filter.origin_system_id ?? null,
        filter.from ?? null,
        filter.to ?? null,
        filter.goal ?? null,
        after?.created_at ?? null,
        after?.run_id ?? null,
        limit,
      ])
    ).rows.map(item);
