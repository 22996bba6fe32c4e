import * as t from 'io-ts';
import { patternString } from '../json/bounded-codecs.js';
import { closedObject } from '../json/closed-object.js';
import { JsonObjectC } from '../json/json-value.js';

/**
 * One span as `aos serve` received it on `POST /v1/traces`, decoded from OTLP (protobuf or JSON)
 * into plain JSON: ids as lowercase hex, times as decimal strings of Unix nanoseconds (they do not
 * fit a JS number), attributes as a JSON object (OTLP AnyValue: string, bool, int, double, array,
 * kvlist; bytes as base64; an int64 beyond 2^53 as its decimal string). This is what is staged
 * until the run is sealed; attribute values are redacted before anything is staged.
 */

const hex = (name: string, length: number) =>
  patternString(name, new RegExp(`^[0-9a-f]{${length}}$`), `${length} lowercase hex digits`);

export const TraceIdC = hex('TraceId', 32);
export const SpanIdC = hex('SpanId', 16);
export const UnixNanoC = patternString('UnixNano', /^(0|[1-9][0-9]{0,19})$/, 'a decimal integer');

const SpanEventC = closedObject('SpanEvent', {
  name: t.string,
  time_unix_nano: UnixNanoC,
  attributes: JsonObjectC,
});

export const ReceivedSpanC = closedObject('ReceivedSpan', {
  trace_id: TraceIdC,
  span_id: SpanIdC,
  /** null for a root span (OTLP's empty parent_span_id). */
  parent_span_id: t.union([SpanIdC, t.null]),
  name: t.string,
  /** OTLP SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: t.number,
  start_time_unix_nano: UnixNanoC,
  end_time_unix_nano: UnixNanoC,
  status: closedObject('SpanStatus', {
    code: t.keyof({ unset: null, ok: null, error: null }),
    message: t.string,
  }),
  attributes: JsonObjectC,
  events: t.array(SpanEventC),
  /** The attributes of the span's resource (`service.name` among them). */
  resource: JsonObjectC,
  scope: closedObject('InstrumentationScope', { name: t.string, version: t.string }),
});

export type ReceivedSpan = t.TypeOf<typeof ReceivedSpanC>;
