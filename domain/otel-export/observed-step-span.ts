import * as E from 'fp-ts/lib/Either.js';
import type { JsonValue } from '../json/json-value.js';
import type { StepExecuted } from '../run/run-events.js';
import { attributeOf, definedAttributes, type ExportSpan, type SpanAttributes } from './export-span.js';
import {
  ObservedOutcomeDataC,
  ObservedStepParamsC,
  type ObservedOutcomeData,
  type ObservedStepParams,
} from './observed-step-record.js';
import type { RunSpanContext } from './run-span-context.js';
import { stepSpanIdOf } from './span-ids.js';

/** A JSON value the ingest parsed from a JSON string attribute goes back as JSON text; a string
 * stays the string it was. */
const asText = (value: JsonValue | undefined): string | undefined =>
  value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value);

const flattened = (attributes: ObservedStepParams['attributes']): SpanAttributes =>
  definedAttributes(
    Object.fromEntries(Object.entries(attributes ?? {}).map(([k, v]) => [k, attributeOf(v)])),
  );

const genAiAttributes = (params: ObservedStepParams, data: ObservedOutcomeData): SpanAttributes =>
  definedAttributes({
    'gen_ai.operation.name': params.operation,
    'gen_ai.provider.name': params.provider,
    'gen_ai.request.model': params.model,
    'gen_ai.tool.name': params.tool?.name,
    'gen_ai.tool.call.id': params.tool?.call_id,
    'gen_ai.tool.type': params.tool?.type,
    'gen_ai.tool.call.arguments': asText(params.tool?.arguments),
    'gen_ai.input.messages': asText(params.input_messages),
    'gen_ai.response.model': data.response_model,
    'gen_ai.response.finish_reasons': data.finish_reasons,
    'gen_ai.usage.input_tokens': data.usage?.input_tokens,
    'gen_ai.usage.output_tokens': data.usage?.output_tokens,
    'gen_ai.output.messages': asText(data.output_messages),
    'gen_ai.tool.call.result': asText(data.tool_result),
  });

/**
 * A step recorded from a span (`otel.<operation>`) as the span it came from: its name, kind and
 * times, its GenAI attributes back in their places and the others as they were, its error. Its
 * parent is the span of the step recorded from its parent span when there is one (`parentOf`),
 * else the run's root. Null when the step's params are not those of an observed step.
 */
export const observedStepSpan = (
  run: RunSpanContext,
  step: StepExecuted,
  parentOf: (originalSpanId: string) => number | undefined,
): ExportSpan | null => {
  const params = ObservedStepParamsC.decode(step.params);
  if (E.isLeft(params)) return null;
  const decodedData = ObservedOutcomeDataC.decode(step.outcome.data);
  const data = E.isRight(decodedData) ? decodedData.right : {};
  const { span } = params.right;
  const parentIndex = span.parent_span_id === null ? undefined : parentOf(span.parent_span_id);
  const failed = step.status === 'failed';
  return {
    trace_id: run.trace_id,
    span_id: stepSpanIdOf(run.tenant_id, run.run_id, step.step_index),
    parent_span_id:
      parentIndex === undefined ? run.root_span_id : stepSpanIdOf(run.tenant_id, run.run_id, parentIndex),
    name: span.name,
    kind: span.kind,
    start_unix_nano: BigInt(span.start_time_unix_nano),
    end_unix_nano: BigInt(span.end_time_unix_nano),
    status: failed ? { code: 'error', message: data.status_message ?? '' } : { code: 'unset', message: '' },
    attributes: {
      ...flattened(params.right.attributes),
      ...genAiAttributes(params.right, data),
      ...(failed ? { 'error.type': step.outcome.code } : {}),
    },
  };
};
