import { tenantQuery } from './tenant-transaction.js';
import * as E from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import type { SpanStaging, TraceToSeal } from '../../application/ports/span-staging.js';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import { ReceivedSpanC } from '../../domain/observed/received-span.js';
import type { StagedSpan } from '../../domain/observed/trace-runs.js';
import { databaseQuery } from './pg-error.js';

// New spans only (the primary key: the same span again is nothing), and for each trace they came
// in, one more arrival and its time; one statement, so all or nothing. The spans go as one JSON
// array (one JSON.stringify, one parse), not as a jsonb[] parameter: pg would spell that as an
// array literal, escaping every quote of every span, and Postgres would parse it back.
const STAGE_SQL = `WITH batch AS (
  SELECT span->>'trace_id' AS trace_id, span->>'span_id' AS span_id, span
  FROM jsonb_array_elements($2::jsonb) AS b(span)
), added AS (
  INSERT INTO aos_ingest_spans (tenant_id, trace_id, span_id, span, received_at)
  SELECT $1, trace_id, span_id, span, $3 FROM batch
  ON CONFLICT DO NOTHING
  RETURNING trace_id
), traces AS (
  INSERT INTO aos_ingest_traces (tenant_id, trace_id, last_received_at)
  SELECT DISTINCT $1, trace_id, $3::timestamptz FROM added
  ON CONFLICT (tenant_id, trace_id) DO UPDATE
    SET last_received_at = GREATEST(aos_ingest_traces.last_received_at, EXCLUDED.last_received_at),
        arrivals = aos_ingest_traces.arrivals + 1
  RETURNING 1
)
SELECT (SELECT count(*) FROM added) AS added, (SELECT count(*) FROM traces) AS traces`;

const DUE_SQL = `SELECT tenant_id, trace_id, last_received_at, arrivals FROM aos_ingest_traces
 WHERE checked_arrivals < arrivals AND ($1::timestamptz IS NULL OR last_received_at < $1)
 ORDER BY last_received_at, tenant_id, trace_id LIMIT $2`;

const SPANS_SQL = `SELECT span, state, run_id, received_at FROM aos_ingest_spans
 WHERE tenant_id = $1 AND trace_id = $2 ORDER BY span_id`;

const MARK_SQL = `UPDATE aos_ingest_spans SET state = $4, run_id = $3
 WHERE tenant_id = $1 AND trace_id = $2 AND span_id = ANY($5::text[]) AND state = 'pending'`;

const CHECKED_SQL = `UPDATE aos_ingest_traces SET checked_arrivals = GREATEST(checked_arrivals, $3)
 WHERE tenant_id = $1 AND trace_id = $2`;

type SpanRow = { span: unknown; state: StagedSpan['state']; run_id: string | null; received_at: Date };
type TraceRow = { tenant_id: string; trace_id: string; last_received_at: Date; arrivals: string };

/** A staged row read back, its span decoded (a row that does not decode is the database's defect). */
const stagedOf = (row: SpanRow): StagedSpan => {
  const span = ReceivedSpanC.decode(row.span);
  if (E.isLeft(span))
    throw new Error(`a staged span does not decode: ${describeDecodeErrors(span.left).join('; ')}`);
  return {
    span: span.right,
    state: row.state,
    run_id: row.run_id,
    received_at: row.received_at.toISOString(),
  };
};

/** Received spans staged in `aos_ingest_spans` and `aos_ingest_traces` (migration 0008). */
export const postgresSpanStaging = (pool: pg.Pool): SpanStaging => ({
  stage: (tenantId, spans, receivedAt) =>
    databaseQuery(async () => {
      const result = await tenantQuery<{ added: string }>(pool, tenantId, STAGE_SQL, [
        tenantId,
        JSON.stringify(spans),
        receivedAt,
      ]);
      return { added: Number(result.rows[0]?.added ?? 0) };
    }),
  tracesToSeal: (quietBefore, limit) =>
    databaseQuery(async () =>
      (await pool.query<TraceRow>(DUE_SQL, [quietBefore, limit])).rows.map((row): TraceToSeal => ({
        tenant_id: row.tenant_id,
        trace_id: row.trace_id,
        last_received_at: row.last_received_at.toISOString(),
        arrivals: Number(row.arrivals),
      })),
    ),
  traceSpans: (tenantId, traceId) =>
    databaseQuery(async () =>
      (await tenantQuery<SpanRow>(pool, tenantId, SPANS_SQL, [tenantId, traceId])).rows.map(stagedOf),
    ),
  markRecorded: (tenantId, traceId, runId, state, spanIds) =>
    databaseQuery(async () => {
      await tenantQuery(pool, tenantId, MARK_SQL, [tenantId, traceId, runId, state, spanIds]);
    }),
  markChecked: (tenantId, traceId, arrivals) =>
    databaseQuery(async () => {
      await tenantQuery(pool, tenantId, CHECKED_SQL, [tenantId, traceId, arrivals]);
    }),
});
