import { COMMIT_HORIZON_SQL } from './commit-horizon.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import pg from 'pg';
import * as E from 'fp-ts/lib/Either.js';
import type {
  EventStore,
  EventStoreError,
  GlobalPosition,
  StoredEvent,
  StoredEventText,
} from '../../domain/ports/event-store.js';
import { copyRows } from './copy-rows.js';
import type { CopyField } from './copy-text-format.js';
import { storeErrorOf } from './pg-error.js';
import { tenantQuery } from './tenant-transaction.js';
import { appendInOneTransaction, appendToOneStream } from './postgres-append.js';

const { escapeLiteral } = pg;

const STREAM_VERSION =
  'SELECT coalesce((SELECT seq + 1 FROM aos_events WHERE tenant_id = $1 AND stream_id = $2 ORDER BY seq DESC LIMIT 1), 0) AS version';

const READ_STREAM = `
SELECT stream_id, tenant_id, seq, type, data, recorded_at, link, transaction_id::text AS transaction_id, global_position::text AS global_position
  FROM aos_events WHERE tenant_id = $1 AND stream_id = $2 ORDER BY seq`;

const READ_STREAM_FROM = `
SELECT stream_id, tenant_id, seq, type, data, recorded_at, link, transaction_id::text AS transaction_id, global_position::text AS global_position
  FROM aos_events WHERE tenant_id = $1 AND stream_id = $2 AND seq >= $3 ORDER BY seq LIMIT $4`;

// readStreamFrom's page with the data as stored text, in the shape of StoredEventText: the rows are
// the events, with no transaction id or position to convert. `data::json` checks that the text is
// one JSON value (in C, keeping the text as it is), as readStreamFrom's JSON.parse does: a row edited
// to hold anything else fails the read, and is never written into a document as it is.
export const READ_STREAM_TEXT_FROM = `
SELECT stream_id, tenant_id, seq, type, data::json::text AS "dataCanonical", recorded_at, link
  FROM aos_events WHERE tenant_id = $1 AND stream_id = $2 AND seq >= $3 ORDER BY seq LIMIT $4`;

// ORDER BY names the table's columns (e.), not the text-cast output columns of the same names:
// those would sort like text (xid 1000 before 999, position 10 before 9).
const READ_ALL = `
SELECT e.stream_id, e.tenant_id, e.seq, e.type, e.data, e.recorded_at, e.link,
       e.transaction_id::text AS transaction_id, e.global_position::text AS global_position
  FROM aos_events e
 WHERE (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
   AND e.transaction_id < ${COMMIT_HORIZON_SQL}
 ORDER BY e.transaction_id, e.global_position
 LIMIT $3`;

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
    for await (const rows of copyRows(pool, copyStreamQuery(tenantId, streamId), tenantId))
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

/** The event store port on Postgres: `aos_events`, one statement per stream appended to (several
 * streams in one transaction). Every read and append of a tenant runs in a transaction naming it
 * (SET LOCAL app.tenant_id): on a pool of aos_writer, row-level security keeps it to that tenant.
 * `readAll` names none: the projector's and the auditor's pools read every tenant. */
export const postgresEventStore = (pool: pg.Pool): EventStore => ({
  appendToStream: (tenantId, streamId, expectedVersion, events) => async () => {
    const result = await appendToOneStream(pool, { tenantId, streamId, expectedVersion, events });
    return 'nextExpectedVersion' in result ? E.right(result) : E.left(result);
  },
  appendToStreams: (parts) => async () => {
    const result = await appendInOneTransaction(pool, parts);
    return 'error' in result ? E.left(result) : E.right(result);
  },
  readStream: (tenantId, streamId) =>
    TE.tryCatch(
      async () =>
        (await tenantQuery<EventRow>(pool, tenantId, READ_STREAM, [tenantId, streamId])).rows.map(
          toStoredEvent,
        ),
      storeErrorOf,
    ),
  readStreamFrom: (tenantId, streamId, fromSeq, limit) =>
    TE.tryCatch(
      async () =>
        (
          await tenantQuery<EventRow>(pool, tenantId, READ_STREAM_FROM, [tenantId, streamId, fromSeq, limit])
        ).rows.map(toStoredEvent),
      storeErrorOf,
    ),
  readStreamTextFrom: (tenantId, streamId, fromSeq, limit) =>
    TE.tryCatch(
      async () =>
        (
          await tenantQuery<StoredEventText>(pool, tenantId, READ_STREAM_TEXT_FROM, [
            tenantId,
            streamId,
            fromSeq,
            limit,
          ])
        ).rows,
      storeErrorOf,
    ),
  readStreamPages: (tenantId, streamId) => streamPages(pool, tenantId, streamId),
  streamVersion: (tenantId, streamId) =>
    TE.tryCatch(async () => {
      const { rows } = await tenantQuery<{ version: number }>(pool, tenantId, STREAM_VERSION, [
        tenantId,
        streamId,
      ]);
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
