-- The web console's runs list (GET /api/runs): a tenant's runs newest first, paged by keyset
-- (created_at, run_id) < (the last row's), so that any page is one index range scan, however many
-- runs the tenant has. The filters (status, agent, origin, time range, goal) are applied on that scan.
CREATE INDEX runs_tenant_newest ON runs (tenant_id, created_at DESC, run_id DESC);
