import * as t from 'io-ts';
import { AttributesC } from './otlp-any-value.js';
import { EnumC, Fixed64C, nullable } from './otlp-scalars.js';

/**
 * The shape of an ExportTraceServiceRequest, in OTLP/JSON or as the generated protobuf `toObject`
 * gives it: every field optional (absent, or null, is the field's default), unknown fields ignored
 * (as OTLP/JSON requires of receivers), the fields read here strictly typed. Ids stay strings here
 * (hex in OTLP/JSON, base64 from protobuf) and are checked span by span (received-spans.ts): a bad
 * id refuses its span, not the request. Links, trace state, flags and dropped counts are not read.
 */

const ScopeC = t.partial({ name: nullable(t.string), version: nullable(t.string) });

const SpanEventC = t.partial({
  timeUnixNano: nullable(Fixed64C),
  name: nullable(t.string),
  attributes: AttributesC,
});

const StatusC = t.partial({ code: nullable(EnumC), message: nullable(t.string) });

const SpanC = t.partial({
  traceId: nullable(t.string),
  spanId: nullable(t.string),
  parentSpanId: nullable(t.string),
  name: nullable(t.string),
  kind: nullable(EnumC),
  startTimeUnixNano: nullable(Fixed64C),
  endTimeUnixNano: nullable(Fixed64C),
  attributes: AttributesC,
  events: nullable(t.array(SpanEventC)),
  status: nullable(StatusC),
});

const ScopeSpansC = t.partial({ scope: nullable(ScopeC), spans: nullable(t.array(SpanC)) });

const ResourceSpansC = t.partial({
  resource: nullable(t.partial({ attributes: AttributesC })),
  scopeSpans: nullable(t.array(ScopeSpansC)),
});

export const ExportTraceServiceRequestC = t.partial({
  resourceSpans: nullable(t.array(ResourceSpansC)),
});

export type ExportTraceServiceRequest = t.TypeOf<typeof ExportTraceServiceRequestC>;
export type OtlpSpan = t.TypeOf<typeof SpanC>;
export type OtlpSpanEvent = t.TypeOf<typeof SpanEventC>;
