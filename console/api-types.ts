/** What the console's JSON API answers (server/console/api-routes.ts), as the page reads it. */

export type RunListRow = {
  readonly run_id: string;
  readonly agent_id: string;
  readonly goal: string;
  readonly origin_system_id: string;
  readonly status: string;
  readonly budget_cents: number;
  readonly observed: boolean;
  readonly step_count: number | null;
  readonly cost_cents: number | null;
  readonly ledger_index: number | null;
  readonly created_at: string;
  readonly completed_at: string | null;
};

export type RunsPageBody = {
  readonly tenant_id: string;
  readonly runs: readonly RunListRow[];
  readonly next_cursor: string | null;
};

export type RunOverviewBody = {
  readonly run_id: string;
  readonly tenant_id: string;
  readonly agent_id: string;
  readonly goal: string;
  readonly origin_system_id: string;
  readonly budget_cents: number;
  readonly status: string;
  readonly plan: unknown;
  readonly observation: unknown;
  readonly error: unknown;
  readonly created_at: string;
  readonly completed_at: string | null;
  readonly planner: string | null;
  readonly planning: readonly unknown[];
};

export type BundleEventBody = {
  readonly seq: number;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly recorded_at: string;
  readonly link: string | null;
};

export type BundleBody = {
  readonly events: readonly BundleEventBody[];
  readonly checkpoint: { readonly key_id: string } | null;
  readonly ledger: { readonly leaf_index: number; readonly tree_size: number } | null;
};
