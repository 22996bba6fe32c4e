/**
 * The transaction id below which every transaction that can still write to this database has
 * ended: the least id in flight in this database when the statement's snapshot was taken, else
 * the snapshot's xmax. Readers of the global order stop there, so an event committed later by an
 * older transaction is never skipped.
 *
 * Transaction ids are numbered across the whole server, so `pg_snapshot_xmin` alone would let a
 * transaction left open in another database hold this one's readers back. An id in flight is
 * passed over only when `pg_stat_activity` shows it in another database; one that has ended since
 * the snapshot, or that it cannot place (a prepared transaction), still holds the horizon, which
 * errs on the side of waiting. `backend_xid` and `datname` are shown to every role.
 */
export const COMMIT_HORIZON_SQL = `COALESCE(
  (SELECT min(inflight.xid)
     FROM pg_snapshot_xip(pg_current_snapshot()) AS inflight(xid)
    WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity elsewhere
                       WHERE elsewhere.backend_xid = inflight.xid::xid
                         AND elsewhere.datname IS DISTINCT FROM current_database())),
  pg_snapshot_xmax(pg_current_snapshot()))`;
