import { describe, expect, it } from 'vitest';
import { observedRun } from '../../domain/observed/observed-run.js';
import type { ReceivedSpan } from '../../domain/observed/received-span.js';
import { traceRuns, type StagedSpan } from '../../domain/observed/trace-runs.js';
import { agentTrace, receivedSpan, spanId } from '../support/observed-spans.js';

const staged = (span: ReceivedSpan): StagedSpan => ({
  span,
  state: 'pending',
  run_id: null,
  received_at: '2026-12-06T10:00:00.000Z',
});
const agent = { 'gen_ai.operation.name': 'invoke_agent' };
const chat = { 'gen_ai.operation.name': 'chat' };
const ids = (spans: readonly StagedSpan[]) => spans.map((s) => s.span.span_id);

describe('traceRuns: the runs of a trace', () => {
  // Given the acceptance trace in any order, then one run: the invoke_agent span its root, the
  // other four its steps by start time.
  it('makes the invoke_agent span the run and its descendants the steps, by start time, in any order', () => {
    const spans = agentTrace().map(staged);
    for (const order of [spans, [...spans].reverse()]) {
      const { runs, unattributed } = traceRuns(order);
      expect(runs.map((r) => r.root.span.span_id)).toEqual([spanId(1)]);
      expect(ids(runs[0]!.steps)).toEqual([spanId(6), spanId(3), spanId(2), spanId(5)]);
      expect(unattributed).toEqual([]);
    }
  });

  it('roots a trace without invoke_agent at its root span', () => {
    const { runs } = traceRuns(
      [receivedSpan(2, 1, 10, 5, chat), receivedSpan(1, null, 0, 50, {})].map(staged),
    );
    expect(runs.map((r) => [r.root.span.span_id, ids(r.steps)])).toEqual([[spanId(1), [spanId(2)]]]);
  });

  it('keeps a nested invoke_agent as a step of the outer run, and spans above the agents out of any run', () => {
    const spans = [
      receivedSpan(1, null, 0, 100, {}),
      receivedSpan(2, 1, 10, 80, agent),
      receivedSpan(3, 2, 20, 50, agent),
      receivedSpan(4, 3, 30, 10, chat),
      receivedSpan(5, 1, 95, 3, agent),
    ].map(staged);
    const { runs, unattributed } = traceRuns(spans);
    expect(runs.map((r) => [r.root.span.span_id, ids(r.steps)])).toEqual([
      [spanId(2), [spanId(3), spanId(4)]],
      [spanId(5), []],
    ]);
    expect(ids(unattributed)).toEqual([spanId(1)]);
  });

  it("gives a span whose parent has not arrived to the trace's only run, and to none when there are several", () => {
    const orphan = receivedSpan(9, 8, 40, 5, chat);
    const one = traceRuns([receivedSpan(1, null, 0, 100, agent), orphan].map(staged));
    expect(ids(one.runs[0]!.steps)).toEqual([spanId(9)]);
    const two = traceRuns(
      [receivedSpan(1, null, 0, 100, agent), receivedSpan(2, null, 0, 100, agent), orphan].map(staged),
    );
    expect(ids(two.unattributed)).toEqual([spanId(9)]);
  });

  it('waits while a trace without invoke_agent has no root span yet', () => {
    const { runs, unattributed } = traceRuns([staged(receivedSpan(2, 1, 10, 5, chat))]);
    expect(runs).toEqual([]);
    expect(ids(unattributed)).toEqual([spanId(2)]);
  });

  it('stops at a cycle of parents instead of looping', () => {
    const { runs } = traceRuns([receivedSpan(1, 2, 0, 5, chat), receivedSpan(2, 1, 0, 5, chat)].map(staged));
    expect(runs).toEqual([]);
  });
});

describe('observedRun: what a trace run is recorded as', () => {
  const run = traceRuns(agentTrace().map(staged)).runs[0]!;
  const recorded = observedRun('tenant-a', run);

  it('takes the goal from the first user message, the origin from service.name, the agent from gen_ai.agent.*', () => {
    expect(recorded).toMatchObject({
      goal: 'Weather in Lisbon?',
      origin_system_id: 'weather-agent',
      agent: { name: 'Weather agent', service_name: 'weather-agent' },
      completion: { status: 'succeeded' },
    });
    expect(observedRun('tenant-b', run).run_id).not.toBe(recorded.run_id);
    expect(observedRun('tenant-a', run)).toEqual(recorded);
  });

  it('records GenAI attributes in named fields and keeps the others', () => {
    const [firstChat, , , failing] = recorded.steps;
    expect(firstChat).toMatchObject({
      skill: 'otel.chat',
      params: { operation: 'chat', model: 'gpt-4o-mini', attributes: {} },
      outcome: { code: 'OK', data: { usage: { input_tokens: 52, output_tokens: 17 } } },
      duration_ms: 120,
    });
    expect(failing).toMatchObject({
      skill: 'otel.execute_tool',
      status: 'failed',
      params: { tool: { name: 'get_forecast', arguments: { city: 'Lisbon', days: 3 } } },
      outcome: {
        category: 'failed',
        code: 'TimeoutError',
        data: { status_message: 'forecast service timed out' },
      },
    });
  });

  it('fails the run when its root span ended in error, with the reason', () => {
    const root = {
      ...run.root,
      span: { ...run.root.span, status: { code: 'error' as const, message: 'gave up' } },
    };
    expect(observedRun('tenant-a', { ...run, root }).completion).toEqual({
      status: 'failed',
      error: { code: 'AGENT_FAILED', message: 'gave up' },
    });
  });

  it('makes one-line fields of any text: controls as spaces, "{{" broken, ids cleaned', () => {
    const root = {
      ...run.root,
      span: {
        ...run.root.span,
        name: 'invoke_agent',
        attributes: {
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.agent.description': 'do {{x}}\nnow\u202e',
        },
        resource: { 'service.name': 'My Service/1' },
      },
    };
    expect(observedRun('tenant-a', { ...run, root })).toMatchObject({
      goal: 'do { {x}} now',
      origin_system_id: 'My-Service-1',
    });
  });
});
