-- Observed runs (aos serve, POST /v1/traces; docs/OBSERVED-RUNS.md).
--
-- aos_ingest_spans stages each received span, redacted, until the run it belongs to is sealed: the
-- primary key makes the same span sent twice (an exporter's retry) one row. state says what became
-- of it: pending (not yet in a run), sealed (a step or the root of the sealed run run_id), late
-- (arrived after its run was sealed: recorded as a LateSpanReceived event of aos-late-<run_id>).
CREATE TABLE aos_ingest_spans (
  tenant_id text NOT NULL,
  trace_id text NOT NULL CHECK (trace_id ~ '^[0-9a-f]{32}$'),
  span_id text NOT NULL CHECK (span_id ~ '^[0-9a-f]{16}$'),
  span jsonb NOT NULL,
  received_at timestamptz NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sealed', 'late')),
  run_id uuid,
  CHECK ((state = 'pending') = (run_id IS NULL)),
  PRIMARY KEY (tenant_id, trace_id, span_id)
);

-- One row per trace with spans: when its last new span arrived (the quiet period counts from it),
-- how many batches brought it new spans, and how many of them the sealer had seen when it last
-- looked at it: a trace still waiting for its root span is looked at again only when something new
-- arrives.
CREATE TABLE aos_ingest_traces (
  tenant_id text NOT NULL,
  trace_id text NOT NULL,
  last_received_at timestamptz NOT NULL,
  arrivals bigint NOT NULL DEFAULT 1 CHECK (arrivals >= 1),
  checked_arrivals bigint NOT NULL DEFAULT 0 CHECK (checked_arrivals >= 0),
  PRIMARY KEY (tenant_id, trace_id)
);
CREATE INDEX aos_ingest_traces_unchecked ON aos_ingest_traces (last_received_at)
  WHERE checked_arrivals < arrivals;

-- The run read model says which runs were observed (RunObserved) rather than planned.
ALTER TABLE runs ADD COLUMN observation jsonb;
