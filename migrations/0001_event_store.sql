-- The event store: one row per event, append-only. `data` keeps the exact canonical JSON bytes
-- the writer hashed (text, never jsonb, which would reorder keys and renormalize numbers), and
-- `recorded_at` the exact RFC 3339 string. Global order is (transaction_id, global_position):
-- readers only take rows of transactions older than every transaction still in flight.
CREATE TABLE aos_events (
  global_position bigint GENERATED ALWAYS AS IDENTITY,
  transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id       text NOT NULL,
  tenant_id       text NOT NULL,
  seq             integer NOT NULL CHECK (seq >= 0),
  type            text NOT NULL,
  data            text NOT NULL,
  recorded_at     text NOT NULL CHECK (recorded_at ~ '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$'),
  link            text CHECK (link ~ '^[0-9a-f]{64}$'),
  PRIMARY KEY (stream_id, seq)
);
CREATE UNIQUE INDEX aos_events_global_position ON aos_events (global_position);
CREATE INDEX aos_events_global_order ON aos_events (transaction_id, global_position);
CREATE INDEX aos_events_tenant_stream ON aos_events (tenant_id, stream_id);

CREATE FUNCTION aos_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'aos_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER aos_events_no_update BEFORE UPDATE OR DELETE ON aos_events FOR EACH ROW EXECUTE FUNCTION aos_events_append_only();
CREATE TRIGGER aos_events_no_truncate BEFORE TRUNCATE ON aos_events FOR EACH STATEMENT EXECUTE FUNCTION aos_events_append_only();
