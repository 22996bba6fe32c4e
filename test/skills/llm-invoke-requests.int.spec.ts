import { describe, expect, it } from 'vitest';
import { KEY, fakeLlmServer } from './fake-llm-server.js';

// What llm_invoke sends (model, messages, limits, the bearer key) and what it costs, and the key
// kept out of the outcome even when the server echoes it.

const llm = fakeLlmServer();
const { skillFor, params, invoke } = llm;

describe('llm_invoke against a fake OpenAI-compatible server', () => {
  it('posts model, messages, max_tokens and temperature with the bearer key, and costs the reported usage', async () => {
    llm.received = [];
    const result = await invoke('ok', { max_tokens: 100, temperature: 0.2, api_key: KEY });
    expect(result).toEqual({
      status: 'succeeded',
      outcome: {
        category: 'success',
        code: 'OK',
        data: {
          content: 'Hello!',
          finish_reason: 'stop',
          usage: { prompt_tokens: 1200, completion_tokens: 800, total_tokens: 2000 },
          model: 'fake-model-2024',
        },
      },
      cost_cents: 2, // 1200 × 0.5/1000 + 800 × 1.5/1000 = 1.8, rounded up
    });
    expect(llm.received).toHaveLength(1);
    const [request] = llm.received;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/ok/v1/chat/completions',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    });
    expect(request?.body).toEqual({
      model: 'fake-model',
      max_tokens: 100,
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Say hello' },
      ],
    });
  });

  it('sends no Authorization without a key, max_tokens 1024 by default, and no temperature', async () => {
    llm.received = [];
    await invoke('ok');
    expect(llm.received[0]?.headers.authorization).toBeUndefined();
    expect(llm.received[0]?.body).toEqual({
      model: 'fake-model',
      max_tokens: 1024,
      messages: expect.any(Array),
    });
  });

  it('estimates max_tokens at the completion price plus content/4 tokens at the prompt price, rounded up', () => {
    expect(skillFor('ok').estimateCostCents(params({ max_tokens: 100 }))).toBe(1); // 6 × 0.0005 + 100 × 0.0015 = 0.153
    expect(skillFor('ok').estimateCostCents(params())).toBe(2); // 1024 × 0.0015 = 1.536
  });

  it('charges the estimate when the server reports no usage', async () => {
    expect(await invoke('no-usage', { max_tokens: 100 })).toMatchObject({
      status: 'succeeded',
      outcome: { data: { content: 'no usage here', usage: null } },
      cost_cents: 1,
    });
  });

  it('never puts the key in the outcome, even when the server echoes it', async () => {
    const rejected = await invoke('unauthorized', { api_key: KEY });
    expect(rejected.outcome.data).toEqual({ status: 401, error: 'bad key: Bearer [redacted]' });
    const echoed = await invoke('echo-key', { api_key: KEY });
    expect(echoed.outcome.data).toMatchObject({ content: 'you sent Bearer [redacted]' });
    expect(JSON.stringify([rejected, echoed])).not.toContain(KEY);
  });

  it("is idempotent and valid in a plan whatever the agent's host allowlist (the endpoint is operator configuration)", () => {
    expect(skillFor('ok').isIdempotent(params())).toBe(true);
    expect(skillFor('ok').validateInPlan(params(), { stepIndex: 0, allowedHosts: [] })).toEqual([]);
  });
});
