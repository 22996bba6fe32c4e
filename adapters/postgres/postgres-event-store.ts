import * as TE from 'fp-ts/lib/TaskEither.js';
import pg from 'pg';
import type {
  AppendResult,
  EventStore,
  EventStoreError,
  GlobalPosition,
  NewEvent,
  StoredEvent,
} from '../../domain/ports/event-store.js';
import { copyRows } from './copy-rows.js';
import type { CopyField } from './copy-text-format.js';
import { pgErrorCode, storeErrorOf } from './pg-error.js';

const { escapeLiteral } = pg;

// One statement per append: the expected version and the stream's tenant are checked and the
// events inserted in the same statement, so there is no window between check and write. A racing
// writer that passes the check too fails on the (stream_id, seq) primary key.
const APPEND = `
WITH head AS (
  SELECT (SELECT seq + 1 FROM aos_events WHERE stream_id = $1 ORDER BY seq DESC LIMIT 1) AS version,
         (SELECT tenant_id FROM aos_events WHERE stream_id = $1 AND seq = 0) AS tenant_id
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

const STREAM_VERSION =
  'SELECT coalesce((SELECT seq + 1 FROM aos_events WHERE tenant_id = $1 AND stream_id = $2 ORDER BY seq DESC LIMIT 1), 0) AS version';

const READ_STREAM = `
SELECT stream_id, tenant_id, seq, type, data, recorded_at, link, transaction_id::text AS transaction_id, global_position::text AS global_position
  FROM aos_events WHERE tenant_id = $1 AND stream_id = $2 ORDER BY seq`;

const READ_STREAM_FROM = `
SELECT stream_id, tenant_id, seq, type, data, recorded_at, link, transaction_id::text AS transaction_id, global_position::text AS global_position
  FROM aos_events WHERE tenant_id = $1 AND stream_id = $2 AND seq >= $3 ORDER BY seq LIMIT $4`;

// ORDER BY names the table's columns (e.), not the text-cast output columns of the same names:
// those would sort like text (xid 1000 before 999, position 10 before 9).
const READ_ALL = `
SELECT e.stream_id, e.tenant_id, e.seq, e.type, e.data, e.recorded_at, e.link,
       e.transaction_id::text AS transaction_id, e.global_position::text AS global_position
  FROM aos_events e
 WHERE (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
   AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
 ORDER BY e.transaction_id, e.global_position
 LIMIT $3`;

type AppendRow = {
  version: number;
  tenant_id: string | null;
  inserted: number;
  transaction_id: string | null;
  global_position: string | null;
};
type EventRow = {
  stream_id: string;
  tenant_id: string;
  seq: number;
  type: string;
  data: string;
  recorded_at: string;
  link: string | null;
  transaction_id: string;
  global_position: string;
};

// The same columns for COPY, which takes no parameters: the ids are quoted as literals.
const copyStreamQuery = (tenantId: string, streamId: string): string =>
  `SELECT stream_id, tenant_id, seq, type, data, recorded_at, link, transaction_id, global_position
     FROM aos_events WHERE tenant_id = ${escapeLiteral(tenantId)} AND stream_id = ${escapeLiteral(streamId)} ORDER BY seq`;

const fieldsToStoredEvent = (fields: CopyField[]): StoredEvent => {
  const [streamId, tenantId, seq, type, data, recordedAt, link, transactionId, globalPosition] = fields;
  if (
    fields.length !== 9 ||
    streamId == null ||
    tenantId == null ||
    seq == null ||
    type == null ||
    data == null ||
    recordedAt == null ||
    transactionId == null ||
    globalPosition == null
  ) {
    throw new Error(`aos_events row with ${fields.length} fields or a NULL where the table has none`);
  }
  return {
    stream_id: streamId,
    tenant_id: tenantId,
    seq: Number(seq),
    type,
    data: JSON.parse(data) as unknown,
    dataCanonical: data,
    recorded_at: recordedAt,
    link: link ?? null,
    globalPosition: { transactionId: BigInt(transactionId), position: BigInt(globalPosition) },
  };
};

// The stream through COPY (copy-rows.ts): a run's proof reads all of it, and COPY sends it at
// several times the rate of a query's rows.
async function* streamPages(
  pool: pg.Pool,
  tenantId: string,
  streamId: string,
): AsyncGenerator<readonly StoredEvent[], EventStoreError | null> {
  try {
    for await (const rows of copyRows(pool, copyStreamQuery(tenantId, streamId)))
      yield rows.map(fieldsToStoredEvent);
    return null;
  } catch (error) {
    return storeErrorOf(error);
  }
}

const toStoredEvent = (row: EventRow): StoredEvent => ({
  stream_id: row.stream_id,
  tenant_id: row.tenant_id,
  seq: row.seq,
  type: row.type,
  data: JSON.parse(row.data) as unknown,
  dataCanonical: row.data,
  recorded_at: row.recorded_at,
  link: row.link,
  globalPosition: { transactionId: BigInt(row.transaction_id), position: BigInt(row.global_position) },
});

const conflict = async (pool: pg.Pool, streamId: string, expected: number): Promise<EventStoreError> => {
  const { rows } = await pool.query<{ version: number }>(CURRENT_VERSION, [streamId]);
  return { kind: 'version_conflict', streamId, expected, actual: rows[0]?.version ?? 0 };
};

const append = async (
  pool: pg.Pool,
  tenantId: string,
  streamId: string,
  expectedVersion: number,
  events: readonly NewEvent[],
): Promise<AppendResult | EventStoreError> => {
  if (events.length === 0) return { kind: 'store_failed', message: `append to ${streamId} with no events` };
  let row: AppendRow | undefined;
  try {
    const result = await pool.query<AppendRow>(APPEND, [
      streamId,
      tenantId,
      expectedVersion,
      events.map((e) => e.type),
      events.map((e) => e.dataCanonical),
      events.map((e) => e.recorded_at),
      events.map((e) => e.link),
    ]);
    row = result.rows[0];
  } catch (error) {
    if (pgErrorCode(error) === '23505') return conflict(pool, streamId, expectedVersion);
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

const isAppendResult = (value: AppendResult | EventStoreError): value is AppendResult =>
  'nextExpectedVersion' in value;

/** The event store port on Postgres: `aos_events`, one statement per append. */
export const postgresEventStore = (pool: pg.Pool): EventStore => ({
  appendToStream: (tenantId, streamId, expectedVersion, events) => async () => {
    const result = await append(pool, tenantId, streamId, expectedVersion, events);
    return isAppendResult(result) ? { _tag: 'Right', right: result } : { _tag: 'Left', left: result };
  },
  readStream: (tenantId, streamId) =>
    TE.tryCatch(
      async () => (await pool.query<EventRow>(READ_STREAM, [tenantId, streamId])).rows.map(toStoredEvent),
      storeErrorOf,
    ),
  readStreamFrom: (tenantId, streamId, fromSeq, limit) =>
    TE.tryCatch(
      async () =>
        (await pool.query<EventRow>(READ_STREAM_FROM, [tenantId, streamId, fromSeq, limit])).rows.map(
          toStoredEvent,
        ),
      storeErrorOf,
    ),
  readStreamPages: (tenantId, streamId) => streamPages(pool, tenantId, streamId),
  streamVersion: (tenantId, streamId) =>
    TE.tryCatch(async () => {
      const { rows } = await pool.query<{ version: number }>(STREAM_VERSION, [tenantId, streamId]);
      return rows[0]?.version ?? 0;
    }, storeErrorOf),
  readAll: (after: GlobalPosition, limit: number) =>
    TE.tryCatch(
      async () =>
        (
          await pool.query<EventRow>(READ_ALL, [
            after.transactionId.toString(),
            after.position.toString(),
            limit,
          ])
        ).rows.map(toStoredEvent),
      storeErrorOf,
    ),
});
