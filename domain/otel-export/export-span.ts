import type { JsonValue } from '../json/json-value.js';
import { definedEntries } from '../json/defined-entries.js';

/** An OpenTelemetry attribute value: a primitive or a homogeneous array of primitives. */
export type SpanAttributeValue =
  string | number | boolean | readonly string[] | readonly number[] | readonly boolean[];

export type SpanAttributes = Readonly<Record<string, SpanAttributeValue>>;

/** OTLP SpanKind numbers, as `ReceivedSpan.kind` has them. */
export const SpanKindNumber = { internal: 1, client: 3 } as const;

/**
 * A span to export, in plain terms (no OpenTelemetry types: the exporter adapter builds its
 * ReadableSpan from this): ids as lowercase hex, times as Unix nanoseconds, kind as OTLP numbers it.
 */
export type ExportSpan = {
  readonly trace_id: string;
  readonly span_id: string;
  /** null for the run's root span. */
  readonly parent_span_id: string | null;
  readonly name: string;
  readonly kind: number;
  readonly start_unix_nano: bigint;
  readonly end_unix_nano: bigint;
  readonly status: { readonly code: 'unset' | 'ok' | 'error'; readonly message: string };
  readonly attributes: SpanAttributes;
};

const homogeneous = (values: readonly JsonValue[]): SpanAttributeValue | null => {
  if (values.every((v) => typeof v === 'string')) return values as string[];
  if (values.every((v) => typeof v === 'number')) return values as number[];
  if (values.every((v) => typeof v === 'boolean')) return values as boolean[];
  return null;
};

/** A JSON value as an attribute: primitives and homogeneous arrays of primitives as they are,
 * anything else (objects, nested or mixed arrays) as its JSON text; null is left out. */
export const attributeOf = (value: JsonValue): SpanAttributeValue | undefined => {
  if (value === null) return undefined;
  if (typeof value !== 'object') return value;
  return (Array.isArray(value) ? homogeneous(value) : null) ?? JSON.stringify(value);
};

/** The attributes with a value among the given ones (undefined left out). */
export const definedAttributes = (
  entries: Readonly<Record<string, SpanAttributeValue | undefined>>,
): SpanAttributes => definedEntries(entries);
