import {
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Attributes,
  type AttributeValue,
  type HrTime,
} from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ExportSpan, SpanAttributes } from '../../domain/otel-export/export-span.js';

const NANOS_PER_SECOND = 1_000_000_000n;

const hrTime = (unixNano: bigint): HrTime => [
  Number(unixNano / NANOS_PER_SECOND),
  Number(unixNano % NANOS_PER_SECOND),
];

/** OTLP kind numbers (0 unspecified, 1 internal, ... 5 consumer) are the API's plus one; an
 * unspecified or unknown kind is internal. */
const kindOf = (otlpKind: number): SpanKind =>
  otlpKind >= 1 && otlpKind <= 5 ? ((otlpKind - 1) as SpanKind) : SpanKind.INTERNAL;

const statusCodeOf = { unset: SpanStatusCode.UNSET, ok: SpanStatusCode.OK, error: SpanStatusCode.ERROR };

/** The API's attribute arrays are mutable: each gets a copy. */
const attributesOf = (attributes: SpanAttributes): Attributes =>
  Object.fromEntries(
    Object.entries(attributes).map(([key, value]): [string, AttributeValue] => [
      key,
      Array.isArray(value) ? ([...value] as AttributeValue) : (value as AttributeValue),
    ]),
  );

const SCOPE = { name: 'aos-runproof.otel-export', version: '1' };

/** The SDK's view of a finished span, as the OTLP exporters read it, made from an ExportSpan. */
export const readableSpan = (span: ExportSpan, resource: Resource): ReadableSpan => {
  const startTime = hrTime(span.start_unix_nano);
  const endTime = hrTime(span.end_unix_nano);
  const parent = span.parent_span_id;
  return {
    name: span.name,
    kind: kindOf(span.kind),
    spanContext: () => ({ traceId: span.trace_id, spanId: span.span_id, traceFlags: TraceFlags.SAMPLED }),
    ...(parent === null
      ? {}
      : { parentSpanContext: { traceId: span.trace_id, spanId: parent, traceFlags: TraceFlags.SAMPLED } }),
    startTime,
    endTime,
    duration: hrTime(span.end_unix_nano - span.start_unix_nano),
    status: {
      code: statusCodeOf[span.status.code],
      ...(span.status.message === '' ? {} : { message: span.status.message }),
    },
    attributes: attributesOf(span.attributes),
    links: [],
    events: [],
    ended: true,
    resource,
    instrumentationScope: SCOPE,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
};
