import * as t from 'io-ts';
import { JsonObjectC, JsonValueC } from '../json/json-value.js';
import { SpanIdC, UnixNanoC } from '../observed/received-span.js';

/** The skill of a step recorded from a span that came in through `aos serve`: `otel.<operation>`
 * (docs/OBSERVED-RUNS.md, "Observed steps"). */
export const OBSERVED_SKILL_PREFIX = 'otel.';

const optionalString = t.union([t.string, t.undefined]);

/** What the export reads of an observed step's params: the fields the ingest writes. Open (not
 * closed), so a field added there later does not make a stored step unreadable here. */
export const ObservedStepParamsC = t.intersection([
  t.type({
    span: t.type({
      span_id: SpanIdC,
      parent_span_id: t.union([SpanIdC, t.null]),
      name: t.string,
      kind: t.number,
      start_time_unix_nano: UnixNanoC,
      end_time_unix_nano: UnixNanoC,
    }),
  }),
  t.partial({
    operation: t.string,
    provider: t.string,
    model: t.string,
    tool: t.partial({
      name: optionalString,
      call_id: optionalString,
      type: optionalString,
      arguments: JsonValueC,
    }),
    input_messages: JsonValueC,
    attributes: JsonObjectC,
  }),
]);

export type ObservedStepParams = t.TypeOf<typeof ObservedStepParamsC>;

/** What the export reads of an observed step's outcome data. */
export const ObservedOutcomeDataC = t.partial({
  response_model: t.string,
  finish_reasons: t.array(t.string),
  usage: t.partial({ input_tokens: t.number, output_tokens: t.number }),
  output_messages: JsonValueC,
  tool_result: JsonValueC,
  status_message: t.string,
});

export type ObservedOutcomeData = t.TypeOf<typeof ObservedOutcomeDataC>;
