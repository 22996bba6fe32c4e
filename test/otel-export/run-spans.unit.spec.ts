import { describe, expect, it } from 'vitest';
import type { ExportSpan } from '../../domain/otel-export/export-span.js';
import { runSpanContext, runSpans } from '../../domain/otel-export/run-spans.js';
import { nonZeroId, stepSpanIdOf } from '../../domain/otel-export/span-ids.js';
import { executedRun, recorded, RUN, step, TENANT } from './run-spans-fixture.js';

const nanos = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;

const byName = (spans: readonly ExportSpan[], name: string): ExportSpan => {
  const found = spans.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no span ${name} in ${spans.map((s) => s.name).join(', ')}`);
  return found;
};

describe('a run as OpenTelemetry GenAI spans', () => {
  it('derives the same ids every time, distinct ones for every span, and for another tenant or run', () => {
    const spans = runSpans(executedRun());
    expect(runSpans(executedRun())).toEqual(spans);
    // root, 2 steps, 3 attempts of the retried step
    expect(spans).toHaveLength(6);
    expect(new Set(spans.map((s) => s.span_id)).size).toBe(6);
    for (const span of spans) {
      expect(span.trace_id).toMatch(/^[0-9a-f]{32}$/);
      expect(span.span_id).toMatch(/^[0-9a-f]{16}$/);
      expect(span.trace_id).toBe(spans[0]?.trace_id);
    }
    const other = runSpanContext('other-tenant', RUN);
    expect(other.trace_id).not.toBe(spans[0]?.trace_id);
    expect(runSpanContext(TENANT, '11111111-2222-4333-8444-555555555555').trace_id).not.toBe(
      spans[0]?.trace_id,
    );
    expect(stepSpanIdOf(TENANT, RUN, 1)).not.toBe(stepSpanIdOf(TENANT, RUN, 10));
  });

  it('never gives an all-zero id', () => {
    expect(nonZeroId(new Uint8Array(8))).toBe('0000000000000001');
    expect(nonZeroId(new Uint8Array(16))).toBe('00000000000000000000000000000001');
    expect(nonZeroId(Uint8Array.from([0, 0, 0, 0, 0, 0, 2, 0]))).toBe('0000000000000200');
  });

  it('puts the invoke_agent root last, with the agent, the goal and the proof facts; the steps under it', () => {
    const spans = runSpans(executedRun());
    const root = spans[spans.length - 1]!;
    const context = runSpanContext(TENANT, RUN);
    expect(root).toMatchObject({
      span_id: context.root_span_id,
      parent_span_id: null,
      name: 'invoke_agent checker',
      status: { code: 'ok' },
      start_unix_nano: nanos('2026-12-06T10:00:00.000Z'),
      end_unix_nano: nanos('2026-12-06T10:00:05.000Z'),
    });
    expect(root.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.id': 'agent-1',
      'gen_ai.agent.name': 'checker',
      'aos.run_id': RUN,
      'aos.tenant_id': TENANT,
      'aos.agent_id': 'agent-1',
      'aos.goal': 'Run proof v3 validation run',
      'aos.run.status': 'succeeded',
      'aos.runproof.root_hash': 'ab'.repeat(32),
      'aos.runproof.verification_status': 'VERIFIED',
      'aos.runproof.seal_key_id': 'key-1',
    });
    expect(root.attributes['error.type']).toBeUndefined();
    expect(byName(spans, 'chat gpt-test').parent_span_id).toBe(root.span_id);
    expect(byName(spans, 'execute_tool http_call').parent_span_id).toBe(root.span_id);
  });

  it('marks a failed run ERROR with its error code and message', () => {
    const failed = executedRun();
    const spans = runSpans({
      ...failed,
      header: {
        ...failed.header,
        completion: {
          status: 'failed',
          error: { code: 'STEP_FAILED', message: 'step 1 failed', step_index: 1 },
        },
      },
    });
    const root = spans[spans.length - 1]!;
    expect(root.status).toEqual({ code: 'error', message: 'step 1 failed' });
    expect(root.attributes['error.type']).toBe('STEP_FAILED');
    expect(root.attributes['aos.run.status']).toBe('failed');
  });

  it('maps llm_invoke to chat with the model and the token usage, timed back from its record', () => {
    const chat = byName(runSpans(executedRun()), 'chat gpt-test');
    expect(chat.kind).toBe(3);
    expect(chat.start_unix_nano).toBe(nanos('2026-12-06T10:00:01.000Z'));
    expect(chat.end_unix_nano).toBe(nanos('2026-12-06T10:00:01.500Z'));
    expect(chat.status.code).toBe('ok');
    expect(chat.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-test',
      'gen_ai.response.model': 'gpt-test',
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 3,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.request.max_tokens': 64,
      'aos.step.index': 0,
      'aos.step.skill': 'llm_invoke',
    });
    expect(JSON.parse(String(chat.attributes['gen_ai.input.messages']))).toEqual([
      { role: 'user', content: 'hello' },
    ]);
  });

  it('maps the other skills to execute_tool with the skill, its arguments and its result as JSON', () => {
    const tool = byName(runSpans(executedRun()), 'execute_tool http_call');
    expect(tool.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'http_call',
      'aos.step.retry_count': 2,
    });
    expect(JSON.parse(String(tool.attributes['gen_ai.tool.call.arguments']))).toEqual({
      method: 'GET',
      url: 'https://api.example.com/items',
    });
    expect(JSON.parse(String(tool.attributes['gen_ai.tool.call.result']))).toEqual({
      status: 200,
      body: { items: [1] },
    });
  });

  it('gives each attempt of a retried step a span under the step, one after the other', () => {
    const spans = runSpans(executedRun());
    const tool = byName(spans, 'execute_tool http_call');
    const attempts = [1, 2, 3].map((n) => byName(spans, `execute_tool http_call attempt ${n}`));
    const start = nanos('2026-12-06T10:00:02.000Z');
    const ms = 1_000_000n;
    expect(attempts.map((a) => a.parent_span_id)).toEqual([tool.span_id, tool.span_id, tool.span_id]);
    expect(attempts.map((a) => [a.start_unix_nano - start, a.end_unix_nano - start])).toEqual([
      [0n, 100n * ms],
      [300n * ms, 400n * ms],
      [800n * ms, 2000n * ms],
    ]);
    expect(attempts.map((a) => a.status.code)).toEqual(['error', 'error', 'ok']);
    expect(attempts[0]?.status.message).toBe('busy');
    expect(attempts.map((a) => a.attributes['error.type'])).toEqual(['HTTP_503', 'HTTP_429', undefined]);
    expect(attempts.map((a) => a.attributes['aos.step.attempt'])).toEqual([1, 2, 3]);
  });

  it('marks a failed step ERROR with error.type = its outcome code', () => {
    const failing = step({
      step_index: 0,
      skill: 'echo',
      status: 'failed',
      outcome: { category: 'timeout', code: 'STEP_TIMEOUT', data: { message: 'timed out after 5 ms' } },
    });
    const [span] = runSpans(executedRun({ steps: [recorded('2026-12-06T10:00:01.000Z', failing)] }));
    expect(span?.status).toEqual({ code: 'error', message: 'timed out after 5 ms' });
    expect(span?.attributes['error.type']).toBe('STEP_TIMEOUT');
  });
});
