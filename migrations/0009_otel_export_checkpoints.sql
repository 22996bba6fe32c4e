-- Checkpoints of `aos-int otel export --follow`: per endpoint and tenant filter ('' for all
-- tenants: a tenant id is never empty), the global position (transaction id, position, as
-- aos_events orders events) of the completion of the last run whose spans the endpoint accepted.
CREATE TABLE aos_otel_export_checkpoints (
  endpoint        text NOT NULL,
  tenant_filter   text NOT NULL,
  transaction_id  xid8 NOT NULL,
  global_position bigint NOT NULL,
  updated_at      timestamptz NOT NULL,
  PRIMARY KEY (endpoint, tenant_filter)
);
