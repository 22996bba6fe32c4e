-- Read tables materialized from the events by the projector. Rows are written only by the
-- projector (it sets aos.projector = 'on' in its own transaction); anything else is rejected.
-- A superuser can still bypass triggers: the run proof detects such rows.

CREATE TABLE aos_traces (
  run_id           text PRIMARY KEY,
  tenant_id        text NOT NULL,
  agent_id         text NOT NULL,
  origin_system_id text NOT NULL,
  goal             text NOT NULL,
  status           text NOT NULL,
  created_at       timestamptz NOT NULL,
  started_at       timestamptz,
  completed_at     timestamptz,
  root_hash        text NOT NULL,
  chain_length     integer NOT NULL,
  step_count       integer NOT NULL,
  total_cost_cents bigint NOT NULL,
  error_code       text,
  error_message    text
);
CREATE INDEX aos_traces_tenant ON aos_traces (tenant_id, created_at);

CREATE TABLE aos_trace_steps (
  run_id           text NOT NULL,
  tenant_id        text NOT NULL,
  seq              integer NOT NULL,
  step_index       integer NOT NULL,
  skill_name       text NOT NULL,
  params           jsonb NOT NULL,
  status           text NOT NULL,
  outcome_category text NOT NULL,
  outcome_code     text NOT NULL,
  outcome_data     jsonb,
  cost_cents       bigint NOT NULL,
  duration_ms      double precision NOT NULL,
  retry_count      integer NOT NULL,
  recorded_at      timestamptz NOT NULL,
  link             text NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX aos_trace_steps_tenant ON aos_trace_steps (tenant_id, run_id);

CREATE TABLE runs (
  run_id           text PRIMARY KEY,
  tenant_id        text NOT NULL,
  agent_id         text NOT NULL,
  goal             text NOT NULL,
  origin_system_id text NOT NULL,
  budget_cents     bigint NOT NULL,
  status           text NOT NULL,
  attempt          integer NOT NULL,
  plan             jsonb,
  error            jsonb,
  created_at       timestamptz NOT NULL,
  completed_at     timestamptz,
  version          integer NOT NULL
);
CREATE INDEX runs_tenant ON runs (tenant_id, created_at);

CREATE TABLE agents (
  agent_id      text PRIMARY KEY,
  tenant_id     text NOT NULL,
  name          text NOT NULL,
  plan_template jsonb NOT NULL,
  budget_cents  bigint NOT NULL,
  allowed_hosts jsonb NOT NULL,
  created_at    timestamptz NOT NULL
);
CREATE INDEX agents_tenant ON agents (tenant_id, created_at);

-- Where the projector is in the global order: (transaction_id, global_position) of the last
-- event applied, written in the same transaction as the rows.
CREATE TABLE aos_projection_checkpoints (
  name            text PRIMARY KEY,
  transaction_id  bigint NOT NULL,
  global_position bigint NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
INSERT INTO aos_projection_checkpoints (name, transaction_id, global_position) VALUES ('trace_tables', 0, 0);

CREATE FUNCTION aos_projection_write_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('aos.projector', true) IS DISTINCT FROM 'on' THEN
    RAISE EXCEPTION '% is a projection: it is written only by the projector (aos-int projections rebuild to repair)', TG_TABLE_NAME
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_LEVEL = 'STATEMENT' THEN RETURN NULL; END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END;
$$;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['aos_traces', 'aos_trace_steps', 'runs', 'agents', 'aos_projection_checkpoints'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION aos_projection_write_guard()', t || '_write_guard', t);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION aos_projection_write_guard()', t || '_truncate_guard', t);
  END LOOP;
END;
$$;
