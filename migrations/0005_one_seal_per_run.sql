-- At most one seal per run in a tenant's ledger. sealRun checks the ledger before it seals, but two
-- processes (two calls with one idempotency key, or a resume finishing a run its first process
-- then seals) could each find no seal and append one. With this index the second append fails
-- like a version conflict that did not move the ledger, and sealRun returns the seal that stands.
-- The run id is read from the seal's data; data that is not JSON (only a tampered row) gives NULL,
-- which the index lets through, and the proof reports that row anyway.
CREATE FUNCTION aos_sealed_run_id(data text) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT AS $$
BEGIN
  RETURN (data::jsonb) -> 'checkpoint' ->> 'run_id';
EXCEPTION WHEN others THEN
  RETURN NULL;
END $$;

-- A ledger that already holds a second seal of some run (written before this migration) keeps it:
-- ledger events are never changed. The index then covers only the seals appended after it.
DO $$
DECLARE
  last_duplicate bigint;
BEGIN
  SELECT max(global_position) INTO last_duplicate
    FROM (SELECT global_position,
                 row_number() OVER (PARTITION BY stream_id, aos_sealed_run_id(data) ORDER BY seq) AS nth
            FROM aos_events
           WHERE type = 'RunSealed' AND aos_sealed_run_id(data) IS NOT NULL) seals
   WHERE nth > 1;
  IF last_duplicate IS NULL THEN
    CREATE UNIQUE INDEX aos_events_one_seal_per_run ON aos_events (stream_id, aos_sealed_run_id(data)) WHERE type = 'RunSealed';
  ELSE
    EXECUTE format('CREATE UNIQUE INDEX aos_events_one_seal_per_run ON aos_events (stream_id, aos_sealed_run_id(data)) WHERE type = %L AND global_position > %s', 'RunSealed', last_duplicate);
  END IF;
END $$;
