import { describe, expect, it } from 'vitest';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import { LLM_NOT_CONFIGURED, llmConfigFromEnv } from '../../adapters/skills/llm-config.js';
import { LlmInvokeParamsC } from '../../adapters/skills/llm-invoke-params.js';
import { costCents, estimatePromptTokens, parsePrice } from '../../adapters/skills/llm-pricing.js';

const decodeErrors = (input: unknown): string[] => {
  const decoded = LlmInvokeParamsC.decode(input);
  return decoded._tag === 'Left' ? describeDecodeErrors(decoded.left) : [];
};

const user = { role: 'user', content: 'hi' };

describe('llm_invoke params', () => {
  it('accepts the smallest call and every optional field', () => {
    expect(decodeErrors({ messages: [user] })).toEqual([]);
    expect(
      decodeErrors({
        messages: [{ role: 'system', content: '' }, user, { role: 'assistant', content: 'x' }],
        max_tokens: 32_768,
        temperature: 2,
        api_key: '{{secret:LLM_API_KEY}}',
      }),
    ).toEqual([]);
    expect(
      decodeErrors({ messages: Array.from({ length: 100 }, () => user), max_tokens: 1, temperature: 0 }),
    ).toEqual([]);
  });

  it.each([
    [{}, 'messages'],
    [{ messages: [] }, 'messages'],
    [{ messages: Array.from({ length: 101 }, () => user) }, 'messages'],
    [{ messages: [{ role: 'tool', content: 'x' }] }, 'messages.0.role'],
    [{ messages: [{ role: 'user' }] }, 'messages.0.content'],
    [{ messages: [{ role: 'user', content: 'x', name: 'n' }] }, 'messages.0.name'],
    [{ messages: [{ role: 'user', content: 'x'.repeat(100_001) }] }, 'messages.0.content'],
    [{ messages: [user], max_tokens: 0 }, 'max_tokens'],
    [{ messages: [user], max_tokens: 32_769 }, 'max_tokens'],
    [{ messages: [user], temperature: 2.01 }, 'temperature'],
    [{ messages: [user], temperature: -0.1 }, 'temperature'],
    [{ messages: [user], api_key: '' }, 'api_key'],
    [{ messages: [user], api_key: 'k\r\nx-evil: 1' }, 'api_key'],
    [{ messages: [user], model: 'gpt' }, 'model'],
  ])('rejects %j naming %s', (input, field) => {
    expect(decodeErrors(input).some((line) => line.startsWith(`${field}: `))).toBe(true);
  });
});

describe('llm_invoke pricing', () => {
  it('parses decimal cents exactly, and nothing else', () => {
    expect(parsePrice('0')).toBe(0n);
    expect(parsePrice('0.15')).toBe(150_000n);
    expect(parsePrice('3')).toBe(3_000_000n);
    expect(parsePrice(' 0.000001 ')).toBe(1n);
    for (const bad of ['-1', '1e3', '0.0000001', 'abc', '', '.5', 'NaN']) expect(parsePrice(bad)).toBeNull();
  });

  it('rounds a cost up to whole cents without floating-point error', () => {
    const prices = {
      promptMicroCentsPer1k: parsePrice('0.1')!,
      completionMicroCentsPer1k: parsePrice('0.3')!,
    };
    expect(costCents(prices, 10_000, 0)).toBe(1); // 1.0000000000000002 in floating point
    expect(costCents(prices, 10_001, 0)).toBe(2);
    expect(costCents(prices, 0, 0)).toBe(0);
    expect(costCents(prices, 1, 1)).toBe(1);
    expect(costCents({ promptMicroCentsPer1k: 0n, completionMicroCentsPer1k: 0n }, 1e6, 1e6)).toBe(0);
  });

  it('estimates a prompt at four characters a token, rounded up', () => {
    expect(estimatePromptTokens([{ content: 'abcde' }, { content: 'fgh' }])).toBe(2);
    expect(estimatePromptTokens([{ content: '' }])).toBe(0);
  });
});

describe('llm_invoke configuration', () => {
  const env = { AOS_LLM_BASE_URL: 'http://127.0.0.1:9/v1/', AOS_LLM_MODEL: 'm' };

  it('needs a base URL and a model; prices default to 0; a trailing slash is dropped', () => {
    expect(llmConfigFromEnv({})).toEqual({
      ok: false,
      code: 'LLM_NOT_CONFIGURED',
      message: LLM_NOT_CONFIGURED,
    });
    expect(llmConfigFromEnv({ AOS_LLM_MODEL: 'm' })).toMatchObject({ ok: false, code: 'LLM_NOT_CONFIGURED' });
    expect(llmConfigFromEnv(env)).toEqual({
      ok: true,
      config: {
        baseUrl: 'http://127.0.0.1:9/v1',
        model: 'm',
        promptMicroCentsPer1k: 0n,
        completionMicroCentsPer1k: 0n,
      },
    });
  });

  it('reads prices in cents per 1000 tokens', () => {
    expect(
      llmConfigFromEnv({
        ...env,
        AOS_LLM_PRICE_PER_1K_PROMPT_CENTS: '0.5',
        AOS_LLM_PRICE_PER_1K_COMPLETION_CENTS: '1.5',
      }),
    ).toMatchObject({
      ok: true,
      config: { promptMicroCentsPer1k: 500_000n, completionMicroCentsPer1k: 1_500_000n },
    });
  });

  it.each([
    [{ ...env, AOS_LLM_BASE_URL: 'ftp://x/v1' }, 'AOS_LLM_BASE_URL'],
    [{ ...env, AOS_LLM_BASE_URL: 'not a url' }, 'AOS_LLM_BASE_URL'],
    [{ ...env, AOS_LLM_BASE_URL: 'http://user:pw@x/v1' }, 'AOS_LLM_BASE_URL'],
    [{ ...env, AOS_LLM_PRICE_PER_1K_PROMPT_CENTS: '-1' }, 'AOS_LLM_PRICE_PER_1K_PROMPT_CENTS'],
    [{ ...env, AOS_LLM_PRICE_PER_1K_COMPLETION_CENTS: 'free' }, 'AOS_LLM_PRICE_PER_1K_COMPLETION_CENTS'],
  ])('refuses %j, naming %s', (input, variable) => {
    const loaded = llmConfigFromEnv(input);
    expect(loaded).toMatchObject({
      ok: false,
      code: 'LLM_MISCONFIGURED',
      message: expect.stringContaining(variable),
    });
    expect(JSON.stringify(loaded)).not.toContain('pw');
  });
});
