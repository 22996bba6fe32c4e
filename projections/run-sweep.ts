import * as E from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import { ledgerStreamId } from '../domain/ledger/run-checkpoint.js';
import { decodeLedger, indexLedger, type LedgerDecodeError, type TenantLedgerIndex } from '../domain/ledger/tenant-ledger.js';
import type { EventStore, EventStoreError } from '../domain/ports/event-store.js';
import { proveRun, type RunProof } from './run-proof.js';

const RUN_PREFIX = 'aos-run-';
const PAGE = 500;

// One page of runs (their first event), in (tenant_id, stream_id) order: keyset pagination, so the
// sweep holds one page and one tenant's ledger index at a time, whatever the number of runs.
const PAGE_SQL = `
SELECT tenant_id, stream_id FROM aos_events
 WHERE seq = 0 AND stream_id LIKE '${RUN_PREFIX}%'
   AND ($1::text IS NULL OR tenant_id = $1)
   AND (tenant_id, stream_id) > ($2::text, $3::text)
 ORDER BY tenant_id, stream_id
 LIMIT ${PAGE}`;

export const countRuns = async (pool: pg.Pool, tenantId: string | null): Promise<number> => {
  const { rows } = await pool.query<{ count: string }>(`SELECT count(*) FROM aos_events WHERE seq = 0 AND stream_id LIKE '${RUN_PREFIX}%' AND ($1::text IS NULL OR tenant_id = $1)`, [tenantId]);
  return Number(rows[0]?.count ?? 0);
};

/** Proves every run (of one tenant, or all), streaming: calls `onRun` with each proof as soon as it
 * is made and keeps nothing of it. Each tenant's ledger is read once. */
export const sweepRuns = async (
  pool: pg.Pool,
  store: EventStore,
  tenantId: string | null,
  knownKeys: ReadonlyMap<string, Uint8Array>,
  onRun: (proof: RunProof) => void,
): Promise<E.Either<EventStoreError, number>> => {
  let after = { tenant: '', stream: '' };
  let ledgerOf = null as { tenant: string; ledger: E.Either<LedgerDecodeError, TenantLedgerIndex> } | null;
  let count = 0;
  for (;;) {
    const { rows } = await pool.query<{ tenant_id: string; stream_id: string }>(PAGE_SQL, [tenantId, after.tenant, after.stream]);
    for (const row of rows) {
      if (ledgerOf?.tenant !== row.tenant_id) {
        const events = await store.readStream(row.tenant_id, ledgerStreamId(row.tenant_id))();
        if (events._tag === 'Left') return events;
        ledgerOf = { tenant: row.tenant_id, ledger: E.map(indexLedger)(decodeLedger(events.right)) };
      }
      const proof = await proveRun(pool, store, row.tenant_id, row.stream_id.slice(RUN_PREFIX.length), knownKeys, ledgerOf.ledger);
      if (proof._tag === 'Left') return proof;
      onRun(proof.right);
      count += 1;
    }
    if (rows.length < PAGE) return E.right(count);
    const last = rows[rows.length - 1]!;
    after = { tenant: last.tenant_id, stream: last.stream_id };
  }
};
