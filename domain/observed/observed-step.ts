import { definedEntries } from '../json/defined-entries.js';
import type { JsonObject, JsonValue } from '../json/json-value.js';
import { OBSERVED_SKILL_PREFIX } from '../run/run-decider.js';
import type { StepExecuted } from '../run/run-events.js';
import type { ReceivedSpan } from './received-span.js';
import {
  attributesWithout,
  countAttribute,
  GenAi,
  stringAttribute,
  structuredAttribute,
} from './span-attributes.js';

/** The attributes a step's record names in its own fields; the others are kept in `attributes`. */
const NAMED_KEYS: ReadonlySet<string> = new Set([
  GenAi.operation,
  GenAi.provider,
  GenAi.system,
  GenAi.requestModel,
  GenAi.responseModel,
  GenAi.finishReasons,
  GenAi.inputTokens,
  GenAi.outputTokens,
  GenAi.toolName,
  GenAi.toolCallId,
  GenAi.toolType,
  GenAi.toolArguments,
  GenAi.toolResult,
  GenAi.inputMessages,
  GenAi.outputMessages,
]);

/** Nanoseconds between two Unix-nano decimal strings, as milliseconds (0 when end is before start). */
const spanDurationMs = (start: string, end: string): number => {
  const nanos = BigInt(end) - BigInt(start);
  return nanos <= 0n ? 0 : Number(nanos / 1000n) / 1000;
};

const failureCode = (span: ReceivedSpan): string | null => {
  const errorType = stringAttribute(span.attributes, GenAi.errorType);
  if (errorType !== undefined) return errorType;
  return span.status.code === 'error' ? 'ERROR' : null;
};

const toolOf = (a: JsonObject): JsonValue | undefined => {
  const name = stringAttribute(a, GenAi.toolName);
  if (name === undefined) return undefined;
  return definedEntries<JsonValue>({
    name,
    call_id: stringAttribute(a, GenAi.toolCallId),
    type: stringAttribute(a, GenAi.toolType),
    arguments: structuredAttribute(a, GenAi.toolArguments),
  });
};

const usageOf = (a: JsonObject): JsonValue | undefined => {
  const usage = definedEntries<JsonValue>({
    input_tokens: countAttribute(a, GenAi.inputTokens),
    output_tokens: countAttribute(a, GenAi.outputTokens),
  });
  return Object.keys(usage).length === 0 ? undefined : usage;
};

/** The span's own facts, kept with the step: where in the trace it was, and when. */
const spanFacts = (span: ReceivedSpan): JsonObject => ({
  trace_id: span.trace_id,
  span_id: span.span_id,
  parent_span_id: span.parent_span_id,
  name: span.name,
  kind: span.kind,
  start_time_unix_nano: span.start_time_unix_nano,
  end_time_unix_nano: span.end_time_unix_nano,
});

/**
 * A span of an observed run as its step `index` (docs/OBSERVED-RUNS.md, "Observed steps"): skill
 * `otel.<gen_ai.operation.name>` (`otel.span` without one), the GenAI attributes in named fields,
 * every other attribute kept as it came (redacted before it was staged), the span's events, its
 * status as the outcome. Nothing is charged: a trace does not say what a call cost.
 */
export const observedStep = (span: ReceivedSpan, index: number): StepExecuted => {
  const a = span.attributes;
  const operation = stringAttribute(a, GenAi.operation);
  const code = failureCode(span);
  return {
    step_index: index,
    skill: `${OBSERVED_SKILL_PREFIX}${operation ?? 'span'}`,
    params: definedEntries<JsonValue>({
      span: spanFacts(span),
      operation,
      provider: stringAttribute(a, GenAi.provider) ?? stringAttribute(a, GenAi.system),
      model: stringAttribute(a, GenAi.requestModel),
      tool: toolOf(a),
      input_messages: structuredAttribute(a, GenAi.inputMessages),
      attributes: attributesWithout(a, NAMED_KEYS),
      events: span.events.length === 0 ? undefined : span.events,
    }),
    status: code === null ? 'succeeded' : 'failed',
    outcome: {
      category: code === null ? 'succeeded' : 'failed',
      code: code ?? 'OK',
      data: definedEntries<JsonValue>({
        response_model: stringAttribute(a, GenAi.responseModel),
        finish_reasons: a[GenAi.finishReasons],
        usage: usageOf(a),
        output_messages: structuredAttribute(a, GenAi.outputMessages),
        tool_result: structuredAttribute(a, GenAi.toolResult),
        status_message: span.status.message === '' ? undefined : span.status.message,
      }),
    },
    cost_cents: 0,
    duration_ms: spanDurationMs(span.start_time_unix_nano, span.end_time_unix_nano),
    retry_count: 0,
  };
};
