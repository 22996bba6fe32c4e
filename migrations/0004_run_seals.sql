-- Where each run's seal sits in its tenant's ledger (the first RunSealed of the run), so a proof
-- reads that one ledger event instead of the whole ledger. A projection like the trace tables:
-- written only by the projector; the proof checks the ledger event it points at, and falls back
-- to reading the whole ledger when there is no row or the row points elsewhere.
CREATE TABLE aos_run_seals (
  run_id       text PRIMARY KEY,
  tenant_id    text NOT NULL,
  ledger_index integer NOT NULL
);

CREATE TRIGGER aos_run_seals_write_guard BEFORE INSERT OR UPDATE OR DELETE ON aos_run_seals FOR EACH ROW EXECUTE FUNCTION aos_projection_write_guard();
CREATE TRIGGER aos_run_seals_truncate_guard BEFORE TRUNCATE ON aos_run_seals FOR EACH STATEMENT EXECUTE FUNCTION aos_projection_write_guard();
