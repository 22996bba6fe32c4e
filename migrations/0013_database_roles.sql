-- Least-privileged roles and row-level security (issue 18; docs/DATABASE-ROLES.md has the matrix).
--
-- Roles are objects of the whole cluster: several databases (tenant databases, one per test file)
-- may run this migration at once, so each role is created only when missing, and a creation that
-- lost the race to another database's migration (duplicate_object, or unique_violation on the
-- catalog) counts as done. The roles are NOLOGIN here: the embedded database gives them a login
-- and a password (kept in AOS_HOME, mode 0600); with DATABASE_URL the operator does, or the
-- commands take them with SET ROLE from DATABASE_URL's login.
DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['aos_writer', 'aos_projector', 'aos_reader', 'aos_auditor'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', r);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL;
      END;
    END IF;
    -- The migrating login takes the roles with SET ROLE (a single DATABASE_URL) and makes them
    -- own the functions below: it must be a member. A superuser already is; a login that cannot
    -- grant them to itself must have been granted them by the operator.
    IF NOT pg_has_role(current_user, r, 'MEMBER') THEN
      BEGIN
        EXECUTE format('GRANT %I TO %I', r, current_user);
      EXCEPTION WHEN insufficient_privilege OR invalid_grant_operation THEN
        RAISE EXCEPTION 'the migrating role % cannot take the role %: grant it (GRANT % TO %) and migrate again', current_user, r, r, current_user;
      END;
    END IF;
  END LOOP;
END $$;

-- Per database: connecting, and using the schema.
DO $$
BEGIN
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO aos_writer, aos_projector, aos_reader, aos_auditor', current_database());
END $$;
GRANT USAGE ON SCHEMA public TO aos_writer, aos_projector, aos_reader, aos_auditor;

-- Nothing by default: each role gets only what it needs.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;

-- aos_writer: appends events (runs, agents, the tenant ledgers' seals), keeps the seals' time
-- stamps and the heads sent to witnesses, issues ingest tokens and stages received spans.
-- INSERT and SELECT on the ledger tables: no UPDATE, DELETE or TRUNCATE.
GRANT SELECT, INSERT ON aos_events, aos_seal_timestamps, aos_ledger_heads, aos_ledger_cosignatures TO aos_writer;
-- A head becomes cosigned once every witness answered: that one column, nothing else.
GRANT UPDATE (cosigned) ON aos_ledger_heads TO aos_writer;
GRANT SELECT, INSERT ON aos_ingest_tokens TO aos_writer;
GRANT UPDATE (revoked_at) ON aos_ingest_tokens TO aos_writer;
GRANT SELECT, INSERT ON aos_ingest_spans, aos_ingest_traces TO aos_writer;
GRANT UPDATE (state, run_id) ON aos_ingest_spans TO aos_writer;
GRANT UPDATE (last_received_at, arrivals, checked_arrivals) ON aos_ingest_traces TO aos_writer;

-- aos_projector: reads every event, writes the projections and the checkpoints (its own, and
-- those of `aos-int otel export --follow`). Never appends an event.
GRANT SELECT ON aos_events TO aos_projector;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE
  ON aos_traces, aos_trace_steps, runs, agents, aos_run_seals, aos_projection_checkpoints, aos_otel_export_checkpoints
  TO aos_projector;

-- aos_reader: the read models only, of the tenant its transaction names.
GRANT SELECT ON aos_traces, aos_trace_steps, runs, agents, aos_run_seals TO aos_reader;

-- aos_auditor: reads everything (verify-all, proofs, exports), writes nothing.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO aos_auditor;

-- Row-level security, forced (the tables' owner is held to it too; superusers are not: the tamper
-- tests run as one). A transaction names its tenant with SET LOCAL app.tenant_id; one that does
-- not sees no row of these tables and can write none. The projector and the auditor work across
-- tenants: their policies are the explicit exceptions.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['aos_events', 'aos_traces', 'aos_trace_steps', 'runs', 'agents', 'aos_run_seals',
                           'aos_seal_timestamps', 'aos_ledger_heads', 'aos_ledger_cosignatures',
                           'aos_ingest_tokens', 'aos_ingest_spans', 'aos_ingest_traces'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY aos_auditor_reads_all ON %I FOR SELECT TO aos_auditor USING (true)', t);
  END LOOP;
  -- The writer, in its tenant.
  FOREACH t IN ARRAY ARRAY['aos_events', 'aos_seal_timestamps', 'aos_ledger_heads', 'aos_ledger_cosignatures',
                           'aos_ingest_spans'] LOOP
    EXECUTE format('CREATE POLICY aos_writer_tenant ON %I TO aos_writer USING (tenant_id = current_setting(''app.tenant_id'', true)) WITH CHECK (tenant_id = current_setting(''app.tenant_id'', true))', t);
  END LOOP;
  -- The reader, in its tenant.
  FOREACH t IN ARRAY ARRAY['aos_traces', 'aos_trace_steps', 'runs', 'agents', 'aos_run_seals'] LOOP
    EXECUTE format('CREATE POLICY aos_reader_tenant ON %I FOR SELECT TO aos_reader USING (tenant_id = current_setting(''app.tenant_id'', true))', t);
    EXECUTE format('CREATE POLICY aos_projector_all ON %I TO aos_projector USING (true) WITH CHECK (true)', t);
  END LOOP;
END $$;
CREATE POLICY aos_projector_reads_all ON aos_events FOR SELECT TO aos_projector USING (true);

-- Exceptions of the writer, operator-wide: a token is found by its id before its tenant is known
-- (the table holds hashes, never a token), and the sealer of observed runs looks for quiet traces
-- of every tenant (aos_ingest_traces holds ids and times; the spans stay tenant-scoped).
CREATE POLICY aos_writer_all ON aos_ingest_tokens TO aos_writer USING (true) WITH CHECK (true);
CREATE POLICY aos_writer_all ON aos_ingest_traces TO aos_writer USING (true) WITH CHECK (true);

-- Whose a stream is, whatever the caller's tenant: an append to another tenant's stream is refused
-- as such (stream_tenant_mismatch) instead of looking like an empty stream. Runs as aos_auditor,
-- which reads every event; says nothing but the tenant id of the stream's first event.
CREATE FUNCTION aos_stream_tenant(stream text) RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public, pg_temp
  AS $$ SELECT tenant_id FROM public.aos_events WHERE stream_id = stream AND seq = 0 $$;
ALTER FUNCTION aos_stream_tenant(text) OWNER TO aos_auditor;
REVOKE ALL ON FUNCTION aos_stream_tenant(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION aos_stream_tenant(text) TO aos_writer;

-- Tables the migrating login creates later are readable by the auditor too (their other grants and
-- their row-level security come with their own migration).
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO aos_auditor;
