import * as E from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import { ledgerStreamId } from '../domain/ledger/run-checkpoint.js';
import { sealSignatureProblem } from '../domain/ledger/seal-verification.js';
import {
  decodeLedger,
  type LedgerDecodeError,
  type LedgerEntry,
  type TenantLedgerIndex,
} from '../domain/ledger/tenant-ledger.js';
import type { EventStore, EventStoreError } from '../domain/ports/event-store.js';
import { runStreamId } from '../domain/run/identifiers.js';
import { proveAllowingLag, proveRun, type RunProof } from './run-proof.js';

const RUN_PREFIX = 'aos-run-';
const LEDGER_PREFIX = 'aos-ledger-';
const PAGE = 500;

// Tenants with runs or a ledger, one page at a time (keyset pagination).
const TENANTS_SQL = `
SELECT DISTINCT tenant_id FROM aos_events
 WHERE (stream_id LIKE '${RUN_PREFIX}%' OR stream_id LIKE '${LEDGER_PREFIX}%')
   AND ($1::text IS NULL OR tenant_id = $1) AND tenant_id > $2
 ORDER BY tenant_id LIMIT ${PAGE}`;

// A tenant's run streams, by any event they still hold (a run whose RunCreated was deleted is
// still swept, and fails), one page at a time.
const RUNS_SQL = `
SELECT DISTINCT stream_id FROM aos_events
 WHERE tenant_id = $1 AND stream_id LIKE '${RUN_PREFIX}%' AND stream_id > $2
 ORDER BY stream_id LIMIT ${PAGE}`;

// Which of these run streams still hold an event of the tenant.
const EXISTING_SQL =
  'SELECT DISTINCT stream_id FROM aos_events WHERE tenant_id = $1 AND stream_id = ANY($2::text[])';

// Runs the read tables hold rows of while the store has no event of them. The projector writes
// rows only from events, so these were made by hand (the write guard stops the careless, not a
// superuser) or their events were deleted. One page at a time, by run id.
const ORPHANS_SQL = `
SELECT tenant_id, run_id, string_agg(table_name, ', ' ORDER BY table_name) AS tables FROM (
  SELECT tenant_id, run_id, 'aos_traces' AS table_name FROM aos_traces
  UNION SELECT tenant_id, run_id, 'aos_trace_steps' FROM aos_trace_steps
  UNION SELECT tenant_id, run_id, 'runs' FROM runs
) rows
 WHERE ($1::text IS NULL OR tenant_id = $1) AND (run_id, tenant_id) > ($2, $3)
   AND NOT EXISTS (SELECT 1 FROM aos_events e WHERE e.stream_id = '${RUN_PREFIX}' || rows.run_id)
 GROUP BY run_id, tenant_id
 ORDER BY run_id, tenant_id LIMIT ${PAGE}`;

// The ledger index of a run's first seal (aos_sealed_run_id and its index: migration 0005).
const FIRST_SEAL_SQL = `
SELECT min(seq) AS first FROM aos_events
 WHERE stream_id = $1 AND tenant_id = $2 AND type = 'RunSealed' AND aos_sealed_run_id(data) = $3`;

const isFirstSealOfItsRun = async (pool: pg.Pool, tenantId: string, seal: LedgerEntry): Promise<boolean> => {
  const { rows } = await pool.query<{ first: number | null }>(FIRST_SEAL_SQL, [
    ledgerStreamId(tenantId),
    tenantId,
    seal.checkpoint.run_id,
  ]);
  return rows[0]?.first === seal.index;
};

/** Rows of the read tables that no event stands behind. */
export type OrphanedRows = { readonly tenant_id: string; readonly run_id: string; readonly tables: string };

export const countRuns = async (pool: pg.Pool, tenantId: string | null): Promise<number> => {
  const { rows } = await pool.query<{ count: string }>(
    `SELECT count(DISTINCT (tenant_id, stream_id)) FROM aos_events WHERE stream_id LIKE '${RUN_PREFIX}%' AND ($1::text IS NULL OR tenant_id = $1)`,
    [tenantId],
  );
  return Number(rows[0]?.count ?? 0);
};

/**
 * The tenant's ledger read a page at a time: checks it is gap-free and every event a valid seal
 * whose signature verifies (else the damage, which fails every run of the tenant: a seal altered
 * to name another run would otherwise go unseen, the runs' proofs taking each run's first seal),
 * and returns the sealed runs whose events are gone from the store (deleted history). Holds one
 * page.
 *
 * A seal by a key this key set does not hold is not damage: its signature cannot be checked here,
 * and the run it seals fails its own proof, naming the key, as `aos proof` does; the tenant's other
 * runs stay as they are. Unless it is not its run's first seal: no proof would ever look at it,
 * and the store keeps one seal per run, so it was written in: damage.
 */
const scanLedger = async (
  pool: pg.Pool,
  store: EventStore,
  tenantId: string,
  knownKeys: ReadonlyMap<string, Uint8Array>,
): Promise<E.Either<EventStoreError, { damage: LedgerDecodeError | null; erased: string[] }>> => {
  const erased: string[] = [];
  for (let from = 0; ;) {
    const page = await store.readStreamFrom(tenantId, ledgerStreamId(tenantId), from, PAGE)();
    if (page._tag === 'Left') return page;
    const seals = decodeLedger(page.right, from);
    if (seals._tag === 'Left') return E.right({ damage: seals.left, erased });
    for (const seal of seals.right) {
      const problem = sealSignatureProblem(seal, knownKeys);
      if (problem === null) continue;
      const unknownKey = problem.field === 'checkpoint.key_id';
      if (unknownKey && (await isFirstSealOfItsRun(pool, tenantId, seal))) continue;
      const message = unknownKey
        ? `${problem.reason}, and it is a second seal of run ${seal.checkpoint.run_id}, which no proof checks`
        : problem.reason;
      return E.right({ damage: { kind: 'ledger_event_invalid', seq: seal.index, message }, erased });
    }
    const runIds = seals.right.map((seal) => seal.checkpoint.run_id);
    const streams = runIds.map(runStreamId);
    const existing = new Set(
      (await pool.query<{ stream_id: string }>(EXISTING_SQL, [tenantId, streams])).rows.map(
        (r) => r.stream_id,
      ),
    );
    erased.push(...runIds.filter((runId) => !existing.has(runStreamId(runId))));
    if (page.right.length < PAGE) return E.right({ damage: null, erased });
    from += PAGE;
  }
};

/** Proves every run (of one tenant, or all), streaming: calls `onRun` with each proof as soon as it
 * is made and keeps nothing of it. Each tenant's ledger is scanned once, a page at a time; each
 * run's seal is found through the seal index; sealed runs whose events are gone are reported as
 * failed runs too. Then `onOrphans` gets the runs the read tables hold rows of with no event in the
 * store (those erased sealed runs aside, already reported). Memory: a page of runs, seals or
 * orphans (plus the run ids of erased sealed runs). */
export const sweepRuns = async (
  pool: pg.Pool,
  store: EventStore,
  tenantId: string | null,
  knownKeys: ReadonlyMap<string, Uint8Array>,
  onRun: (proof: RunProof) => void,
  onOrphans: (rows: OrphanedRows) => void = () => undefined,
  /** Brings the projections up to a run's last event: a run still being written when its rows were
   * read is caught up and proved again (a few times) before a projection divergence counts. */
  catchUpRun: (tenantId: string, runId: string) => Promise<void> = async () => undefined,
): Promise<E.Either<EventStoreError, number>> => {
  let count = 0;
  const erasedRuns = new Set<string>();
  const prove = async (
    tenant: string,
    runId: string,
    damaged: E.Either<LedgerDecodeError, TenantLedgerIndex> | undefined,
  ) => {
    const proof = await proveAllowingLag(
      () => proveRun(pool, store, tenant, runId, knownKeys, damaged),
      () => catchUpRun(tenant, runId),
    );
    if (proof._tag === 'Right') {
      onRun(proof.right);
      count += 1;
    }
    return proof;
  };
  for (let afterTenant = ''; ;) {
    const tenants = (await pool.query<{ tenant_id: string }>(TENANTS_SQL, [tenantId, afterTenant])).rows.map(
      (r) => r.tenant_id,
    );
    for (const tenant of tenants) {
      const ledger = await scanLedger(pool, store, tenant, knownKeys);
      if (ledger._tag === 'Left') return ledger;
      // A damaged ledger is handed to every proof of the tenant, which then fails naming it.
      const damaged = ledger.right.damage ? E.left(ledger.right.damage) : undefined;
      for (let afterStream = ''; ;) {
        const streams = (await pool.query<{ stream_id: string }>(RUNS_SQL, [tenant, afterStream])).rows.map(
          (r) => r.stream_id,
        );
        for (const stream of streams) {
          const proved = await prove(tenant, stream.slice(RUN_PREFIX.length), damaged);
          if (proved._tag === 'Left') return proved;
        }
        if (streams.length < PAGE) break;
        afterStream = streams[streams.length - 1]!;
      }
      for (const runId of ledger.right.erased) {
        erasedRuns.add(runId);
        const proved = await prove(tenant, runId, damaged);
        if (proved._tag === 'Left') return proved;
      }
    }
    if (tenants.length < PAGE) break;
    afterTenant = tenants[tenants.length - 1]!;
  }
  for (let after = ['', '']; ;) {
    const { rows } = await pool.query<OrphanedRows>(ORPHANS_SQL, [tenantId, ...after]);
    for (const row of rows) if (!erasedRuns.has(row.run_id)) onOrphans(row);
    const last = rows[rows.length - 1];
    if (rows.length < PAGE || last === undefined) return E.right(count);
    after = [last.run_id, last.tenant_id];
  }
};
