import { describe, expect, it } from 'vitest';
import { runSpans } from '../../domain/otel-export/run-spans.js';
import { stepSpanIdOf } from '../../domain/otel-export/span-ids.js';
import type { StepExecuted } from '../../domain/run/run-events.js';
import { executedRun, recorded, RUN, step, TENANT } from './run-spans-fixture.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

const spanOf = (
  spanId: string,
  parent: string | null,
  name: string,
  kind: number,
  start: string,
  end: string,
) => ({
  trace_id: TRACE,
  span_id: spanId,
  parent_span_id: parent,
  name,
  kind,
  start_time_unix_nano: start,
  end_time_unix_nano: end,
});

/** Steps as `aos serve` records them from spans (docs/OBSERVED-RUNS.md, "Observed steps"). */
const observedSteps: StepExecuted[] = [
  step({
    step_index: 0,
    skill: 'otel.invoke_agent',
    params: {
      span: spanOf(
        '00f067aa0ba902b7',
        'aaaaaaaaaaaaaaaa',
        'invoke_agent researcher',
        1,
        '1765015200000000001',
        '1765015209000000000',
      ),
      operation: 'invoke_agent',
      attributes: { 'gen_ai.agent.name': 'researcher' },
    },
  }),
  step({
    step_index: 1,
    skill: 'otel.chat',
    params: {
      span: spanOf(
        '1111111111111111',
        '00f067aa0ba902b7',
        'chat gpt-4o',
        3,
        '1765015201000000123',
        '1765015202500000456',
      ),
      operation: 'chat',
      provider: 'openai',
      model: 'gpt-4o',
      input_messages: [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }],
      attributes: { 'server.address': 'api.openai.com', 'custom.list': [1, 2], 'custom.object': { a: 1 } },
    },
    outcome: {
      category: 'succeeded',
      code: 'OK',
      data: {
        response_model: 'gpt-4o-2024-08-06',
        finish_reasons: ['stop'],
        usage: { input_tokens: 42, output_tokens: 7 },
        output_messages: [{ role: 'assistant', parts: [{ type: 'text', content: 'hello' }] }],
      },
    },
    duration_ms: 1500.000333,
  }),
  step({
    step_index: 2,
    skill: 'otel.execute_tool',
    status: 'failed',
    params: {
      span: spanOf(
        '2222222222222222',
        '00f067aa0ba902b7',
        'execute_tool search',
        1,
        '1765015203000000000',
        '1765015204000000000',
      ),
      operation: 'execute_tool',
      tool: { name: 'search', call_id: 'call_1', type: 'function', arguments: '{"q":"x"}' },
      attributes: {},
    },
    outcome: {
      category: 'failed',
      code: 'TimeoutError',
      data: { tool_result: 'none', status_message: 'search timed out' },
    },
  }),
];

const observedRun = () =>
  executedRun({
    header: { ...executedRun().header, origin_system_id: 'research-service' },
    steps: observedSteps.map((s) => recorded('2026-12-06T11:00:00.000Z', s)),
  });

describe('an observed run as spans: each step goes back as the span it was recorded from', () => {
  it('keeps name, kind and the recorded span times to the nanosecond', () => {
    const [agent, chat, tool] = runSpans(observedRun());
    expect([agent?.name, chat?.name, tool?.name]).toEqual([
      'invoke_agent researcher',
      'chat gpt-4o',
      'execute_tool search',
    ]);
    expect([agent?.kind, chat?.kind, tool?.kind]).toEqual([1, 3, 1]);
    expect(chat?.start_unix_nano).toBe(1765015201000000123n);
    expect(chat?.end_unix_nano).toBe(1765015202500000456n);
  });

  it('puts model, provider, usage, messages and the other attributes back in their places', () => {
    const chat = runSpans(observedRun())[1];
    expect(chat?.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 42,
      'gen_ai.usage.output_tokens': 7,
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]),
      'gen_ai.output.messages': JSON.stringify([
        { role: 'assistant', parts: [{ type: 'text', content: 'hello' }] },
      ]),
      'server.address': 'api.openai.com',
      'custom.list': [1, 2],
      'custom.object': '{"a":1}',
    });
    expect(chat?.status.code).toBe('unset');
  });

  it('gives the tool fields back, and a failed step its error', () => {
    const tool = runSpans(observedRun())[2];
    expect(tool?.attributes).toEqual({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'search',
      'gen_ai.tool.call.id': 'call_1',
      'gen_ai.tool.type': 'function',
      'gen_ai.tool.call.arguments': '{"q":"x"}',
      'gen_ai.tool.call.result': 'none',
      'error.type': 'TimeoutError',
    });
    expect(tool?.status).toEqual({ code: 'error', message: 'search timed out' });
  });

  it('links a step to the step recorded from its parent span, else to the run root', () => {
    const spans = runSpans(observedRun());
    const root = spans[spans.length - 1]!;
    expect(spans[0]?.parent_span_id).toBe(root.span_id);
    expect(spans[1]?.parent_span_id).toBe(stepSpanIdOf(TENANT, RUN, 0));
    expect(spans[2]?.parent_span_id).toBe(stepSpanIdOf(TENANT, RUN, 0));
    expect(spans[1]?.trace_id).toBe(root.trace_id);
    expect(spans[1]?.trace_id).not.toBe(TRACE);
  });

  it('widens the root to cover the steps', () => {
    const spans = runSpans(observedRun());
    const root = spans[spans.length - 1]!;
    expect(root.start_unix_nano).toBe(1765015200000000001n);
    expect(root.end_unix_nano).toBe(BigInt(Date.parse('2026-12-06T10:00:05.000Z')) * 1_000_000n);
  });

  it('reads an otel.* step whose params are not a recorded span as a tool step', () => {
    const odd = step({ step_index: 0, skill: 'otel.custom', params: { something: 1 } });
    const [span] = runSpans(executedRun({ steps: [recorded('2026-12-06T10:00:01.000Z', odd)] }));
    expect(span?.name).toBe('execute_tool otel.custom');
  });
});
