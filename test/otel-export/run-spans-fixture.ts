import type { RecordedStep } from '../../domain/otel-export/executed-step-spans.js';
import type { RunToExport } from '../../domain/otel-export/run-spans.js';
import type { StepExecuted } from '../../domain/run/run-events.js';

export const TENANT = 'acme';
export const RUN = '0b5c6f7e-1a2b-4c3d-8e9f-0a1b2c3d4e5f';

export const step = (
  overrides: Partial<StepExecuted> & Pick<StepExecuted, 'step_index' | 'skill'>,
): StepExecuted => ({
  params: {},
  status: 'succeeded',
  outcome: { category: 'success', code: 'OK', data: null },
  cost_cents: 0,
  duration_ms: 100,
  retry_count: 0,
  ...overrides,
});

export const recorded = (recordedAt: string, executed: StepExecuted): RecordedStep => ({
  recorded_at: recordedAt,
  step: executed,
});

/** A run of the agent "checker": an llm_invoke step, then a retried http_call that succeeded. */
export const executedRun = (overrides: Partial<RunToExport> = {}): RunToExport => ({
  header: {
    tenant_id: TENANT,
    run_id: RUN,
    agent_id: 'agent-1',
    agent_name: 'checker',
    goal: 'Run proof v3 validation run',
    origin_system_id: 'cus-cli',
    completion: { status: 'succeeded' },
  },
  created_at: '2026-12-06T10:00:00.000Z',
  completed_at: '2026-12-06T10:00:05.000Z',
  facts: { verification_status: 'VERIFIED', root_hash: 'ab'.repeat(32), seal_key_id: 'key-1' },
  steps: [
    recorded(
      '2026-12-06T10:00:01.500Z',
      step({
        step_index: 0,
        skill: 'llm_invoke',
        params: { messages: [{ role: 'user', content: 'hello' }], max_tokens: 64 },
        outcome: {
          category: 'success',
          code: 'OK',
          data: {
            content: 'hi',
            finish_reason: 'stop',
            usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
            model: 'gpt-test',
          },
        },
        duration_ms: 500,
      }),
    ),
    recorded(
      '2026-12-06T10:00:04.000Z',
      step({
        step_index: 1,
        skill: 'http_call',
        params: { method: 'GET', url: 'https://api.example.com/items' },
        outcome: { category: 'success', code: 'OK', data: { status: 200, body: { items: [1] } } },
        duration_ms: 2000,
        retry_count: 2,
        attempts: [
          {
            attempt: 1,
            outcome: { category: 'server_error', code: 'HTTP_503', data: { message: 'busy' } },
            cost_cents: 0,
            duration_ms: 100,
            backoff_ms: 200,
          },
          {
            attempt: 2,
            outcome: { category: 'rate_limited', code: 'HTTP_429', data: null },
            cost_cents: 0,
            duration_ms: 100,
            backoff_ms: 400,
          },
        ],
      }),
    ),
  ],
  ...overrides,
});
