import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import type { SkillContext } from '../../domain/ports/skill.js';
import { llmConfigFromEnv } from '../../adapters/skills/llm-config.js';
import { createLlmInvokeSkill, type LlmInvokeParams } from '../../adapters/skills/llm-invoke-skill.js';

const KEY = 'sk-test-0123456789abcdef';

type Received = {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
};
let received: Received[] = [];
let flakyCalls = 0;
let hangReached: (socket: Socket) => void = () => undefined;

const json = (res: ServerResponse, status: number, value: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
};

const USAGE = { prompt_tokens: 1200, completion_tokens: 800, total_tokens: 2000 };

const completion = (content: string, usage: unknown = USAGE) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model: 'fake-model-2024',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  ...(usage === null ? {} : { usage }),
});

/** Each scenario is a base-URL prefix: AOS_LLM_BASE_URL = `${origin}/<scenario>/v1`. */
const SCENARIOS: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  ok: (_req, res) => json(res, 200, completion('Hello!')),
  flaky: (_req, res) => {
    flakyCalls += 1;
    if (flakyCalls === 1) json(res, 500, { error: { message: 'upstream exploded' } });
    else json(res, 200, completion('Hello again'));
  },
  limited: (_req, res) => json(res, 429, { error: { message: 'slow down', type: 'rate_limit' } }),
  unauthorized: (req, res) =>
    json(res, 401, { error: { message: `bad key: ${req.headers.authorization ?? 'none'}` } }),
  'echo-key': (req, res) => json(res, 200, completion(`you sent ${req.headers.authorization ?? 'none'}`)),
  'no-usage': (_req, res) => json(res, 200, completion('no usage here', null)),
  'not-json': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html>proxy</html>');
  },
  huge: (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`{"pad":"${'x'.repeat(1024 * 1024 + 10)}"}`);
  },
  hang: (req) => hangReached(req.socket),
};

let server: Server;
let origin = '';
let closedPort = 0;

const listen = (s: Server): Promise<number> =>
  new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({
        method: req.method ?? '',
        path,
        headers: req.headers,
        body: text === '' ? null : JSON.parse(text),
      });
      const scenario = SCENARIOS[path.split('/')[1] ?? ''];
      if (scenario && path.endsWith('/v1/chat/completions')) scenario(req, res);
      else json(res, 404, { error: { message: 'no route' } });
    });
  });
  origin = `http://127.0.0.1:${await listen(server)}`;
  const closed = createServer();
  closedPort = await listen(closed);
  await new Promise<void>((resolve) => closed.close(() => resolve()));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const skillFor = (scenario: string, baseOrigin = origin) =>
  createLlmInvokeSkill({
    config: () =>
      llmConfigFromEnv({
        AOS_LLM_BASE_URL: `${baseOrigin}/${scenario}/v1/`,
        AOS_LLM_MODEL: 'fake-model',
        AOS_LLM_PRICE_PER_1K_PROMPT_CENTS: '0.5',
        AOS_LLM_PRICE_PER_1K_COMPLETION_CENTS: '1.5',
      }),
  });

const params = (input: Record<string, unknown> = {}): LlmInvokeParams => {
  const decoded = skillFor('ok').params.decode({
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Say hello' },
    ],
    ...input,
  });
  if (decoded._tag === 'Left') throw new Error(describeDecodeErrors(decoded.left).join('; '));
  return decoded.right;
};

const context = (signal: AbortSignal = new AbortController().signal): SkillContext => ({
  signal,
  previousOutcomes: new Map(),
  allowedHosts: [],
});

const invoke = (scenario: string, input: Record<string, unknown> = {}, signal?: AbortSignal) =>
  skillFor(scenario).execute(params(input), context(signal));

describe('llm_invoke against a fake OpenAI-compatible server', () => {
  it('posts model, messages, max_tokens and temperature with the bearer key, and costs the reported usage', async () => {
    received = [];
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
    expect(received).toHaveLength(1);
    const [request] = received;
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
    received = [];
    await invoke('ok');
    expect(received[0]?.headers.authorization).toBeUndefined();
    expect(received[0]?.body).toEqual({ model: 'fake-model', max_tokens: 1024, messages: expect.any(Array) });
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

  it('marks a 500 retryable, and succeeds on the retry', async () => {
    flakyCalls = 0;
    const first = await invoke('flaky');
    expect(first).toEqual({
      status: 'failed',
      outcome: {
        category: 'server_error',
        code: 'HTTP_500',
        data: { status: 500, error: 'upstream exploded' },
      },
      cost_cents: 0,
      retryable: true,
    });
    expect(await invoke('flaky')).toMatchObject({
      status: 'succeeded',
      outcome: { data: { content: 'Hello again' } },
      cost_cents: 2,
    });
  });

  it('marks 429 and a refused connection retryable, a 401 and a non-JSON body not', async () => {
    expect(await invoke('limited')).toMatchObject({
      outcome: { category: 'rate_limited', code: 'HTTP_429', data: { error: 'slow down' } },
      retryable: true,
    });
    const refused = await skillFor('ok', `http://127.0.0.1:${closedPort}`).execute(params(), context());
    expect(refused).toMatchObject({
      outcome: { category: 'network_error', code: 'ECONNREFUSED' },
      retryable: true,
    });
    expect(await invoke('unauthorized')).toMatchObject({
      outcome: { category: 'client_error', code: 'HTTP_401' },
      retryable: false,
    });
    expect(await invoke('not-json')).toMatchObject({
      outcome: { category: 'bad_response', code: 'INVALID_RESPONSE' },
      retryable: false,
    });
  });

  it('never puts the key in the outcome, even when the server echoes it', async () => {
    const rejected = await invoke('unauthorized', { api_key: KEY });
    expect(rejected.outcome.data).toEqual({ status: 401, error: 'bad key: Bearer [redacted]' });
    const echoed = await invoke('echo-key', { api_key: KEY });
    expect(echoed.outcome.data).toMatchObject({ content: 'you sent Bearer [redacted]' });
    expect(JSON.stringify([rejected, echoed])).not.toContain(KEY);
  });

  it('fails a body over 1 MiB, not retryable', async () => {
    expect(await invoke('huge')).toMatchObject({
      status: 'failed',
      outcome: {
        category: 'resource_limit',
        code: 'RESPONSE_TOO_LARGE',
        data: { max_response_bytes: 1024 * 1024 },
      },
      cost_cents: 0,
      retryable: false,
    });
  });

  it('aborts a hanging server when the step times out, closing the connection, retryable', async () => {
    const controller = new AbortController();
    const reached = new Promise<Socket>((resolve) => {
      hangReached = resolve;
    });
    const pending = invoke('hang', {}, controller.signal);
    const socket = await reached;
    const closed = Promise.race([
      new Promise<boolean>((resolve) => socket.once('close', () => resolve(true))),
      sleep(1000).then(() => false),
    ]);
    const abortedAt = performance.now();
    controller.abort(new DOMException('step time is up', 'TimeoutError'));
    expect(await pending).toMatchObject({
      status: 'failed',
      outcome: { category: 'timeout', code: 'TIMEOUT' },
      retryable: true,
    });
    expect(await closed).toBe(true);
    expect(performance.now() - abortedAt).toBeLessThan(500);
  });

  it('fails as cancelled without calling when the signal is already aborted by a cancellation', async () => {
    received = [];
    const controller = new AbortController();
    controller.abort(new Error('run cancelled'));
    expect(await invoke('ok', {}, controller.signal)).toMatchObject({
      outcome: { category: 'cancelled', code: 'CANCELLED' },
      retryable: false,
    });
    expect(received).toHaveLength(0);
  });

  it("is idempotent and valid in a plan whatever the agent's host allowlist (the endpoint is operator configuration)", () => {
    expect(skillFor('ok').isIdempotent(params())).toBe(true);
    expect(skillFor('ok').validateInPlan(params(), { stepIndex: 0, allowedHosts: [] })).toEqual([]);
  });
});

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
    received = [];
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
    expect(received).toHaveLength(0);
  });

  it('reads the configuration at each call, not once', async () => {
    let env: Record<string, string> = {};
    const skill = createLlmInvokeSkill({ config: () => llmConfigFromEnv(env) });
    expect(skill.validateInPlan(params(), { stepIndex: 0, allowedHosts: [] })).toHaveLength(1);
    env = { AOS_LLM_BASE_URL: `${origin}/ok/v1`, AOS_LLM_MODEL: 'fake-model' };
    expect(skill.validateInPlan(params(), { stepIndex: 0, allowedHosts: [] })).toEqual([]);
    expect(await skill.execute(params(), context())).toMatchObject({ status: 'succeeded', cost_cents: 0 });
  });
});
