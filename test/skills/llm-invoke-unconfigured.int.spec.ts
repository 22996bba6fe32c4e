import { describe, expect, it } from 'vitest';
import { llmConfigFromEnv } from '../../adapters/skills/llm-config.js';
import { createLlmInvokeSkill } from '../../adapters/skills/llm-invoke-skill.js';
import { KEY, fakeLlmServer } from './fake-llm-server.js';

// llm_invoke without AOS_LLM_BASE_URL and AOS_LLM_MODEL: refused in the plan, failing without a
// call at execution, and configured as soon as the variables are (read at each call).

const llm = fakeLlmServer();
const { params, context } = llm;

describe('llm_invoke unconfigured', () => {
  const unconfigured = createLlmInvokeSkill({
    config: () => llmConfigFromEnv({ AOS_LLM_PRICE_PER_1K_PROMPT_CENTS: '1' }),
  });

  it('refuses the plan, naming the variables to set', () => {
    expect(unconfigured.validateInPlan(params(), { stepIndex: 2, allowedHosts: [] })).toEqual([
      { field: 'model', message: 'llm_invoke is not configured: set AOS_LLM_BASE_URL and AOS_LLM_MODEL' },
    ]);
    expect(unconfigured.estimateCostCents(params())).toBe(0);
  });

  it('fails LLM_NOT_CONFIGURED at execution, not retryable, without calling anything', async () => {
    llm.received = [];
    expect(await unconfigured.execute(params({ api_key: KEY }), context())).toEqual({
      status: 'failed',
      outcome: {
        category: 'configuration_error',
        code: 'LLM_NOT_CONFIGURED',
        data: { message: 'llm_invoke is not configured: set AOS_LLM_BASE_URL and AOS_LLM_MODEL' },
      },
      cost_cents: 0,
      retryable: false,
    });
    expect(llm.received).toHaveLength(0);
  });

  it('reads the configuration at each call, not once', async () => {
    let env: Record<string, string> = {};
    const skill = createLlmInvokeSkill({ config: () => llmConfigFromEnv(env) });
    expect(skill.validateInPlan(params(), { stepIndex: 0, allowedHosts: [] })).toHaveLength(1);
    env = { AOS_LLM_BASE_URL: `${llm.origin}/ok/v1`, AOS_LLM_MODEL: 'fake-model' };
    expect(skill.validateInPlan(params(), { stepIndex: 0, allowedHosts: [] })).toEqual([]);
    expect(await skill.execute(params(), context())).toMatchObject({ status: 'succeeded', cost_cents: 0 });
  });
});
