import type { JsonObject } from '../../domain/json/json-value.js';
import type { ReceivedSpan } from '../../domain/observed/received-span.js';

export const TRACE_ID = '5b8aa5a2d2c872e8321cf37308d69df2';

/** A span id of 16 hex digits from a small number. */
export const spanId = (n: number): string => n.toString(16).padStart(16, '0');

const BASE_NANOS = 1_765_000_000_000_000_000n;

/** A received span of the test trace: starts `startMs` after a fixed time and lasts `durationMs`. */
export const receivedSpan = (
  id: number,
  parent: number | null,
  startMs: number,
  durationMs: number,
  attributes: JsonObject,
  overrides: Partial<ReceivedSpan> = {},
): ReceivedSpan => ({
  trace_id: TRACE_ID,
  span_id: spanId(id),
  parent_span_id: parent === null ? null : spanId(parent),
  name: String(attributes['gen_ai.operation.name'] ?? 'span'),
  kind: 1,
  start_time_unix_nano: String(BASE_NANOS + BigInt(startMs) * 1_000_000n),
  end_time_unix_nano: String(BASE_NANOS + BigInt(startMs + durationMs) * 1_000_000n),
  status: { code: 'unset', message: '' },
  attributes,
  events: [],
  resource: { 'service.name': 'weather-agent' },
  scope: { name: 'test', version: '1' },
  ...overrides,
});

/**
 * The acceptance's agent trace: one invoke_agent (the run), two chat calls, one tool call and one
 * failing tool call, listed out of start order.
 */
export const agentTrace = (): ReceivedSpan[] => [
  receivedSpan(
    5,
    1,
    400,
    50,
    {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'get_forecast',
      'gen_ai.tool.call.arguments': '{"city":"Lisbon","days":3}',
      'error.type': 'TimeoutError',
    },
    { status: { code: 'error', message: 'forecast service timed out' } },
  ),
  receivedSpan(6, 1, 100, 120, {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.usage.input_tokens': 52,
    'gen_ai.usage.output_tokens': 17,
    'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"Weather in Lisbon?"}]}]',
  }),
  receivedSpan(1, null, 0, 1000, {
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.agent.name': 'Weather agent',
    'gen_ai.agent.id': 'agent-weather-1',
    'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"Weather in Lisbon?"}]}]',
  }),
  receivedSpan(3, 1, 250, 30, {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': 'get_weather',
    'gen_ai.tool.call.arguments': '{"city":"Lisbon"}',
    'gen_ai.tool.call.result': '{"temp_c":21}',
  }),
  receivedSpan(2, 1, 300, 90, {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.usage.input_tokens': 80,
    'gen_ai.usage.output_tokens': 25,
    api_key: 'sk-live-should-never-be-stored',
  }),
];
