import pg from 'pg';
import type {
  AppendResult,
  EventStoreError,
  StreamAppend,
  StreamsAppendFailure,
} from '../../domain/ports/event-store.js';
import { setTenant, tenantQuery } from './tenant-transaction.js';
import { pgErrorCode, storeErrorOf } from './pg-error.js';

const { escapeLiteral } = pg;

// One statement per stream: the expected version and the stream's tenant are checked and the
// events inserted in the same statement, so there is no window between check and write. A racing
// writer that passes the check too fails on the (stream_id, seq) primary key.
const APPEND = `
WITH head AS (
  SELECT (SELECT seq + 1 FROM aos_events WHERE stream_id = $1 ORDER BY seq DESC LIMIT 1) AS version,
         aos_stream_tenant($1) AS tenant_id
), inserted AS (
  INSERT INTO aos_events (stream_id, tenant_id, seq, type, data, recorded_at, link)
  SELECT $1, $2, $3 + e.ord - 1, e.type, e.data, e.recorded_at, e.link
    FROM unnest($4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS e(type, data, recorded_at, link, ord), head
   WHERE coalesce(head.version, 0) = $3 AND (head.tenant_id IS NULL OR head.tenant_id = $2)
   ORDER BY e.ord
  RETURNING seq, transaction_id::text AS transaction_id, global_position::text AS global_position
)
SELECT coalesce(head.version, 0) AS version, head.tenant_id,
       (SELECT count(*)::int FROM inserted) AS inserted,
       (SELECT transaction_id FROM inserted ORDER BY seq DESC LIMIT 1) AS transaction_id,
       (SELECT global_position FROM inserted ORDER BY seq DESC LIMIT 1) AS global_position
  FROM head`;

const CURRENT_VERSION =
  'SELECT coalesce((SELECT seq + 1 FROM aos_events WHERE stream_id = $1 ORDER BY seq DESC LIMIT 1), 0) AS version';

type AppendRow = {
  version: number;
  tenant_id: string | null;
  inserted: number;
  transaction_id: string | null;
  global_position: string | null;
};

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** A unique violation: a racing writer took one of the seqs (or, on a ledger, the store's
 * one-seal-per-run rule refused the seal). The count it is a conflict with is read afterwards. */
type UniqueViolation = { readonly kind: 'unique_violation'; readonly part: StreamAppend };

const conflict = async (pool: pg.Pool, part: StreamAppend): Promise<EventStoreError> => {
  const { rows } = await tenantQuery<{ version: number }>(pool, part.tenantId, CURRENT_VERSION, [
    part.streamId,
  ]);
  return {
    kind: 'version_conflict',
    streamId: part.streamId,
    expected: part.expectedVersion,
    actual: rows[0]?.version ?? 0,
  };
};

const isAppendResult = (value: unknown): value is AppendResult =>
  typeof value === 'object' && value !== null && 'nextExpectedVersion' in value;

const appendParams = ({ tenantId, streamId, expectedVersion, events }: StreamAppend) => [
  streamId,
  tenantId,
  expectedVersion,
  events.map((e) => e.type),
  events.map((e) => e.dataCanonical),
  events.map((e) => e.recorded_at),
  events.map((e) => e.link),
];

const literalOf = (value: string | number | readonly (string | null)[]): string =>
  typeof value === 'number'
    ? String(Math.trunc(value))
    : typeof value === 'string'
      ? escapeLiteral(value)
      : `ARRAY[${value.map((v) => (v === null ? 'NULL' : escapeLiteral(v))).join(', ')}]::text[]`;

/** The tenant named and the append, as one simple query: Postgres runs its statements as one
 * implicit transaction, committed by the server once the append is done, whatever the client does
 * after sending it (a process stopped or killed then still has its append, or none of it). The
 * values are literals: a simple query takes no parameters. */
const oneStatementAppend = async (pool: pg.Pool, part: StreamAppend): Promise<pg.QueryResult<AppendRow>> => {
  const params = appendParams(part) as (string | number | (string | null)[])[];
  const append = APPEND.replace(/\$(\d)/g, (_, n: string) => literalOf(params[Number(n) - 1] ?? 'NULL'));
  const results = (await pool.query(
    `SELECT set_config('app.tenant_id', ${escapeLiteral(part.tenantId)}, true); ${append}`,
  )) as unknown as pg.QueryResult<AppendRow>[];
  const appended = results[1];
  if (appended === undefined) throw new Error('the append query returned no result');
  return appended;
};

/** One part, one statement, on `db` (the client of a transaction naming the tenant), or on `pool`
 * as one simple query that names it. */
const appendPart = async (
  db: Queryable | { readonly pool: pg.Pool },
  part: StreamAppend,
): Promise<AppendResult | EventStoreError | UniqueViolation> => {
  const { tenantId, streamId, expectedVersion, events } = part;
  if (events.length === 0) return { kind: 'store_failed', message: `append to ${streamId} with no events` };
  if (tenantId === '') return { kind: 'store_failed', message: `append to ${streamId} with no tenant` };
  let row: AppendRow | undefined;
  try {
    const result =
      'pool' in db
        ? await oneStatementAppend(db.pool, part)
        : await db.query<AppendRow>(APPEND, appendParams(part));
    row = result.rows[0];
  } catch (error) {
    if (pgErrorCode(error) === '23505') return { kind: 'unique_violation', part };
    return storeErrorOf(error);
  }
  if (row === undefined) return { kind: 'store_failed', message: 'append returned no row' };
  if (row.tenant_id !== null && row.tenant_id !== tenantId)
    return { kind: 'stream_tenant_mismatch', streamId };
  if (row.inserted !== events.length || row.transaction_id === null || row.global_position === null) {
    return { kind: 'version_conflict', streamId, expected: expectedVersion, actual: row.version };
  }
  return {
    nextExpectedVersion: expectedVersion + events.length,
    lastPosition: { transactionId: BigInt(row.transaction_id), position: BigInt(row.global_position) },
  };
};

/** One stream's append: one simple query, its own transaction, naming its tenant. */
export const appendToOneStream = async (
  pool: pg.Pool,
  part: StreamAppend,
): Promise<AppendResult | EventStoreError> => {
  const result = await appendPart({ pool }, part);
  return !isAppendResult(result) && result.kind === 'unique_violation' ? conflict(pool, part) : result;
};

/** Several streams' appends in one transaction, in order: all commit or none does (a part refused
 * rolls back the parts before it). Always in the caller's order, so that two writers appending to
 * the same streams take their row locks in one order and never deadlock. */
export const appendInOneTransaction = async (
  pool: pg.Pool,
  parts: readonly StreamAppend[],
): Promise<readonly AppendResult[] | StreamsAppendFailure> => {
  if (parts.length === 0)
    return { error: { kind: 'store_failed', message: 'append with no streams' }, landed: [] };
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    return { error: storeErrorOf(error), landed: [] };
  }
  let broken = false;
  try {
    await client.query('BEGIN');
    const results: AppendResult[] = [];
    for (const part of parts) {
      await setTenant(client, part.tenantId);
      const result = await appendPart(client, part);
      if (isAppendResult(result)) {
        results.push(result);
        continue;
      }
      await client.query('ROLLBACK').catch(() => (broken = true));
      return {
        error: result.kind === 'unique_violation' ? await conflict(pool, result.part) : result,
        landed: [],
      };
    }
    await client.query('COMMIT');
    return results;
  } catch (error) {
    // BEGIN or COMMIT failed, the connection most likely: a COMMIT whose connection broke may
    // have committed (as a single statement may have), anything else was rolled back. That
    // connection is not given back to the pool.
    broken = true;
    return { error: storeErrorOf(error), landed: [] };
  } finally {
    client.release(broken);
  }
};
