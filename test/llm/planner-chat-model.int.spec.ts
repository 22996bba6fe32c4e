import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SkillContext } from '../../domain/ports/skill.js';
import {
  PLANNER_MODEL_NOT_CONFIGURED,
  plannerChatModelFromEnv,
} from '../../adapters/llm/llm-endpoint-config.js';
import { llmConfigFromEnv } from '../../adapters/skills/llm-config.js';
import { createLlmInvokeSkill } from '../../adapters/skills/llm-invoke-skill.js';
import { sendJson, startLocalServer, type LocalServer } from '../support/local-http-server.js';

const ENV_KEY = 'sk-planner-env-0123456789';

let server: LocalServer;

beforeAll(async () => {
  server = await startLocalServer((hit, response) => {
    response.shouldKeepAlive = false;
    if (hit.path.startsWith('/hang/')) return; // never answers
    sendJson(response, 200, {
      choices: [{ index: 0, message: { role: 'assistant', content: '{"steps":[]}' }, finish_reason: 'stop' }],
    });
  });
});

afterAll(async () => {
  await server.close();
});

const signal = () => new AbortController().signal;
const messages = [{ role: 'user' as const, content: 'plan' }];

describe("the planner's ChatModel from the environment", () => {
  it('is refused, naming the variables to set, without AOS_LLM_BASE_URL or AOS_LLM_MODEL', () => {
    const expected = E.left({ kind: 'planner_model_not_configured', message: PLANNER_MODEL_NOT_CONFIGURED });
    expect(plannerChatModelFromEnv({})).toEqual(expected);
    expect(plannerChatModelFromEnv({ AOS_LLM_BASE_URL: 'http://127.0.0.1:1/v1' })).toEqual(expected);
    expect(plannerChatModelFromEnv({ AOS_LLM_MODEL: 'm', AOS_LLM_BASE_URL: ' ' })).toEqual(expected);
    expect(PLANNER_MODEL_NOT_CONFIGURED).toMatch(
      /plans with a language model: set AOS_LLM_BASE_URL and AOS_LLM_MODEL$/,
    );
  });

  it.each([
    [{ AOS_LLM_BASE_URL: 'ftp://x/v1' }, 'AOS_LLM_BASE_URL'],
    [{ AOS_LLM_BASE_URL: 'not a url' }, 'AOS_LLM_BASE_URL'],
    [{ AOS_LLM_BASE_URL: 'http://user:pw@x/v1' }, 'AOS_LLM_BASE_URL'],
    [{ AOS_LLM_TIMEOUT_MS: '0' }, 'AOS_LLM_TIMEOUT_MS'],
    [{ AOS_LLM_TIMEOUT_MS: '600001' }, 'AOS_LLM_TIMEOUT_MS'],
    [{ AOS_LLM_TIMEOUT_MS: '1.5' }, 'AOS_LLM_TIMEOUT_MS'],
    [{ AOS_LLM_TIMEOUT_MS: 'soon' }, 'AOS_LLM_TIMEOUT_MS'],
    [{ AOS_LLM_API_KEY: 'pw\u00e9-not-ascii' }, 'AOS_LLM_API_KEY'],
  ])('is refused when %j, naming %s (and never a credential)', (override, variable) => {
    const loaded = plannerChatModelFromEnv({
      AOS_LLM_BASE_URL: 'http://127.0.0.1:8080/v1',
      AOS_LLM_MODEL: 'm',
      ...override,
    });
    expect(loaded).toEqual(
      E.left({ kind: 'planner_model_misconfigured', message: expect.stringContaining(variable) }),
    );
    expect(JSON.stringify(loaded)).not.toContain('pw');
  });

  it('accepts AOS_LLM_TIMEOUT_MS from 1 to 600000', () => {
    for (const ms of ['1', '60000', '600000'])
      expect(
        plannerChatModelFromEnv({
          AOS_LLM_BASE_URL: 'http://h/v1',
          AOS_LLM_MODEL: 'm',
          AOS_LLM_TIMEOUT_MS: ms,
        }),
      ).toMatchObject(E.right({ model: { model: 'm' }, timeoutMs: Number(ms) }));
  });

  it('sends AOS_LLM_API_KEY as Bearer, and nothing without it', async () => {
    const env = { AOS_LLM_BASE_URL: `${server.base}/keyed/v1/`, AOS_LLM_MODEL: 'planner-model' };
    for (const [extra, expected] of [
      [{ AOS_LLM_API_KEY: ENV_KEY }, `Bearer ${ENV_KEY}`],
      [{}, undefined],
    ] as const) {
      const model = plannerChatModelFromEnv({ ...env, ...extra });
      if (E.isLeft(model)) throw new Error(model.left.message);
      expect(await model.right.model.complete({ messages, signal: signal() })).toMatchObject(
        E.right({ content: '{"steps":[]}', model: 'planner-model' }),
      );
      expect(server.hits.at(-1)).toMatchObject({ path: '/keyed/v1/chat/completions' });
      expect(server.hits.at(-1)?.headers.authorization).toBe(expected);
    }
  });

  it('gives up after AOS_LLM_TIMEOUT_MS as a timeout', async () => {
    const model = plannerChatModelFromEnv({
      AOS_LLM_BASE_URL: `${server.base}/hang/v1`,
      AOS_LLM_MODEL: 'm',
      AOS_LLM_TIMEOUT_MS: '200',
    });
    if (E.isLeft(model)) throw new Error(model.left.message);
    expect(await model.right.model.complete({ messages, signal: signal() })).toEqual(
      E.left({ kind: 'timeout', message: 'no response within 200 ms', retryable: true }),
    );
  });
});

describe('llm_invoke and AOS_LLM_API_KEY', () => {
  it("never sends the planner's key: llm_invoke's keys come from its params alone", async () => {
    const skill = createLlmInvokeSkill({
      config: () =>
        llmConfigFromEnv({
          AOS_LLM_BASE_URL: `${server.base}/skill/v1`,
          AOS_LLM_MODEL: 'm',
          AOS_LLM_API_KEY: ENV_KEY,
        }),
    });
    const context: SkillContext = { signal: signal(), previousOutcomes: new Map(), allowedHosts: [] };
    expect(await skill.execute({ messages }, context)).toMatchObject({ status: 'succeeded' });
    expect(server.hits.at(-1)).toMatchObject({ path: '/skill/v1/chat/completions' });
    expect(server.hits.at(-1)?.headers.authorization).toBeUndefined();
  });
});
