import * as E from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import { ledgerStreamId } from '../domain/ledger/run-checkpoint.js';
import { decodeLedger, indexLedger, type LedgerDecodeError, type TenantLedgerIndex } from '../domain/ledger/tenant-ledger.js';
import type { EventStore, EventStoreError } from '../domain/ports/event-store.js';
import { proveRun, type RunProof } from './run-proof.js';

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

export const countRuns = async (pool: pg.Pool, tenantId: string | null): Promise<number> => {
  const { rows } = await pool.query<{ count: string }>(`SELECT count(DISTINCT (tenant_id, stream_id)) FROM aos_events WHERE stream_id LIKE '${RUN_PREFIX}%' AND ($1::text IS NULL OR tenant_id = $1)`, [tenantId]);
  return Number(rows[0]?.count ?? 0);
};

const readLedger = async (store: EventStore, tenantId: string): Promise<E.Either<EventStoreError, E.Either<LedgerDecodeError, TenantLedgerIndex>>> => {
  const events = await store.readStream(tenantId, ledgerStreamId(tenantId))();
  return events._tag === 'Left' ? events : E.right(E.map(indexLedger)(decodeLedger(events.right)));
};

/** Proves every run (of one tenant, or all), streaming: calls `onRun` with each proof as soon as it
 * is made and keeps nothing of it. Each tenant's ledger is read once; its seals whose run was not
 * found in the store are reported as failed runs too. Memory: one page of runs and one tenant's
 * seal index (about 1 KB per sealed run of that tenant). */
export const sweepRuns = async (
  pool: pg.Pool,
  store: EventStore,
  tenantId: string | null,
  knownKeys: ReadonlyMap<string, Uint8Array>,
  onRun: (proof: RunProof) => void,
): Promise<E.Either<EventStoreError, number>> => {
  let count = 0;
  for (let afterTenant = ''; ;) {
    const tenants = (await pool.query<{ tenant_id: string }>(TENANTS_SQL, [tenantId, afterTenant])).rows.map((r) => r.tenant_id);
    for (const tenant of tenants) {
      const ledger = await readLedger(store, tenant);
      if (ledger._tag === 'Left') return ledger;
      const unswept = new Map(ledger.right._tag === 'Right' ? [...ledger.right.right.values()].map((entry) => [entry.checkpoint.run_id, entry.index]) : []);
      for (let afterStream = ''; ;) {
        const streams = (await pool.query<{ stream_id: string }>(RUNS_SQL, [tenant, afterStream])).rows.map((r) => r.stream_id);
        for (const stream of streams) {
          const runId = stream.slice(RUN_PREFIX.length);
          const proof = await proveRun(pool, store, tenant, runId, knownKeys, ledger.right);
          if (proof._tag === 'Left') return proof;
          unswept.delete(runId);
          onRun(proof.right);
          count += 1;
        }
        if (streams.length < PAGE) break;
        afterStream = streams[streams.length - 1]!;
      }
      for (const runId of unswept.keys()) {
        const proof = await proveRun(pool, store, tenant, runId, knownKeys, ledger.right);
        if (proof._tag === 'Left') return proof;
        onRun(proof.right);
        count += 1;
      }
    }
    if (tenants.length < PAGE) return E.right(count);
    afterTenant = tenants[tenants.length - 1]!;
  }
};
