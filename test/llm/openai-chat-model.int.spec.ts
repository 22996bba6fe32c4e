import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../domain/ports/chat-model.js';
import { openAiChatModel, type OpenAiChatModelOptions } from '../../adapters/llm/openai-chat-model.js';
import { sendJson, startLocalServer, type Hit, type LocalServer } from '../support/local-http-server.js';

const KEY = 'sk-client-0123456789abcdef';
const STEP_KEY = 'sk-request-fedcba9876543210';

const completion = (content: string) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model: 'served-model-2024',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 },
});

const send = (response: ServerResponse, status: number, type: string, body: string) => {
  response.writeHead(status, { 'content-type': type });
  response.end(body);
};

/** Each scenario is a base-URL prefix: `${server.base}/<scenario>/v1`. */
const SCENARIOS: Record<string, (hit: Hit, response: ServerResponse) => void> = {
  ok: (_hit, response) => sendJson(response, 200, completion('Hello!')),
  unauthorized: (hit, response) =>
    sendJson(response, 401, { error: { message: `invalid key ${hit.headers.authorization ?? 'none'}` } }),
  limited: (_hit, response) => sendJson(response, 429, { error: { message: 'slow down' } }),
  exploded: (_hit, response) => sendJson(response, 500, { error: { message: 'upstream exploded' } }),
  'no-error-field': (_hit, response) => sendJson(response, 503, { detail: 'maintenance' }),
  'bad-request': (_hit, response) => sendJson(response, 400, { error: { message: 'max_tokens too large' } }),
  moved: (_hit, response) => {
    response.writeHead(302, { location: '/ok/v1/chat/completions' });
    response.end();
  },
  'not-json': (_hit, response) => send(response, 200, 'text/html', '<html>proxy</html>'),
  'no-choices': (_hit, response) => sendJson(response, 200, { id: 'x', choices: [] }),
  large: (_hit, response) => sendJson(response, 200, completion('x'.repeat(5000))),
  huge: (_hit, response) => send(response, 200, 'application/json', `{"pad":"${'x'.repeat(1024 * 1024)}"}`),
  hang: () => undefined,
};

let server: LocalServer;
let closedPort = 0;

beforeAll(async () => {
  server = await startLocalServer((hit, response) => {
    response.shouldKeepAlive = false; // a socket per request: each hit's own close is observed
    const scenario = SCENARIOS[hit.path.split('/')[1] ?? ''];
    if (scenario !== undefined && hit.path.endsWith('/v1/chat/completions')) scenario(hit, response);
    else sendJson(response, 404, { error: { message: 'no route' } });
  });
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  closedPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
});

afterAll(async () => {
  await server.close();
});

const modelFor = (scenario: string, options: Partial<OpenAiChatModelOptions> = {}) =>
  openAiChatModel({ baseUrl: `${server.base}/${scenario}/v1`, model: 'configured-model', ...options });

const request = (extra: Partial<ChatRequest> = {}): ChatRequest => ({
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Say hello' },
  ],
  signal: new AbortController().signal,
  ...extra,
});

/** The hits one call made to its scenario. */
const hitsDuring = async <T>(
  scenario: string,
  call: () => Promise<T>,
): Promise<{ result: T; hits: Hit[] }> => {
  const before = server.hits.length;
  const result = await call();
  return { result, hits: server.hits.slice(before).filter((hit) => hit.path.startsWith(`/${scenario}/`)) };
};

describe('openAiChatModel against a local OpenAI-compatible server', () => {
  it('posts model, messages, max_tokens and temperature once, and returns the first choice with its usage', async () => {
    const { result, hits } = await hitsDuring('ok', () =>
      modelFor('ok').complete(request({ max_tokens: 100, temperature: 0.2 })),
    );
    expect(result).toEqual(
      E.right({
        content: 'Hello!',
        finish_reason: 'stop',
        usage: { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 },
        model: 'served-model-2024',
      }),
    );
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ method: 'POST', path: '/ok/v1/chat/completions' });
    expect(JSON.parse(hits[0]?.body ?? '')).toEqual({
      model: 'configured-model',
      max_tokens: 100,
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Say hello' },
      ],
    });
  });

  it('sends no Authorization header without a key, whatever OPENAI_API_KEY says', async () => {
    const before = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = 'sk-from-the-environment';
    try {
      const { hits } = await hitsDuring('ok', () => modelFor('ok').complete(request()));
      expect(hits[0]?.headers).not.toHaveProperty('authorization');
    } finally {
      // The fork runs other files after this one (isolate: false): the environment as it was.
      if (before === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = before;
    }
  });

  it("sends the client's key as Bearer, and the request's key instead when it has one", async () => {
    const client = await hitsDuring('ok', () => modelFor('ok', { apiKey: KEY }).complete(request()));
    expect(client.hits[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    const own = await hitsDuring('ok', () =>
      modelFor('ok', { apiKey: KEY }).complete(request({ api_key: STEP_KEY })),
    );
    expect(own.hits[0]?.headers.authorization).toBe(`Bearer ${STEP_KEY}`);
  });

  it('never returns the key, even when the server echoes it in a 401', async () => {
    const rejected = await modelFor('unauthorized', { apiKey: KEY }).complete(request());
    expect(rejected).toEqual(
      E.left({ kind: 'http_status', status: 401, detail: 'invalid key Bearer [redacted]', retryable: false }),
    );
    const withStepKey = await modelFor('unauthorized').complete(request({ api_key: STEP_KEY }));
    expect(JSON.stringify([rejected, withStepKey])).not.toMatch(/sk-(client|request)-/);
  });

  it.each([true, false])(
    'asks for a JSON Schema answer with response_format json_schema, strict %s',
    async (strict) => {
      const schema = { type: 'object', properties: { steps: { type: 'array' } }, required: ['steps'] };
      const { hits } = await hitsDuring('ok', () =>
        modelFor('ok').complete(request({ response_schema: { name: 'plan', schema, strict } })),
      );
      expect(JSON.parse(hits[0]?.body ?? '').response_format).toEqual({
        type: 'json_schema',
        json_schema: { name: 'plan', schema, strict },
      });
    },
  );

  it.each([
    ['limited', 429, 'slow down', true],
    ['exploded', 500, 'upstream exploded', true],
    ['no-error-field', 503, '{"detail":"maintenance"}', true],
    ['bad-request', 400, 'max_tokens too large', false],
  ])(
    'fails %s as http_status %i with its detail, making exactly one request',
    async (scenario, status, detail, retryable) => {
      const { result, hits } = await hitsDuring(scenario, () => modelFor(scenario).complete(request()));
      expect(result).toEqual(E.left({ kind: 'http_status', status, detail, retryable }));
      expect(hits).toHaveLength(1);
      expect(hits[0]?.headers['x-stainless-retry-count']).toBe('0');
    },
  );

  it('does not follow a redirect: a 302 is an http_status failure, not retryable', async () => {
    const before = server.hitsTo('/ok/v1/chat/completions').length;
    expect(await modelFor('moved', { apiKey: KEY }).complete(request())).toEqual(
      E.left({ kind: 'http_status', status: 302, detail: '', retryable: false }),
    );
    expect(server.hitsTo('/ok/v1/chat/completions')).toHaveLength(before);
  });

  it('fails a body over the cap as response_too_large (1 MiB by default)', async () => {
    expect(await modelFor('large', { maxResponseBytes: 4096 }).complete(request())).toEqual(
      E.left({ kind: 'response_too_large', status: 200, max_bytes: 4096, retryable: false }),
    );
    expect(await modelFor('huge').complete(request())).toEqual(
      E.left({ kind: 'response_too_large', status: 200, max_bytes: 1024 * 1024, retryable: false }),
    );
    expect(E.isRight(await modelFor('large').complete(request()))).toBe(true);
  });

  it('fails a body that is not a chat completion as bad_response', async () => {
    expect(await modelFor('not-json').complete(request())).toEqual(
      E.left({ kind: 'bad_response', status: 200, message: 'the response is not JSON', retryable: false }),
    );
    expect(await modelFor('no-choices').complete(request())).toEqual(
      E.left({
        kind: 'bad_response',
        status: 200,
        message: 'the response has no choices[0].message.content',
        retryable: false,
      }),
    );
  });
});

describe('openAiChatModel: time, cancellation and the network', () => {
  const hangingCall = async (signal: AbortSignal, options: Partial<OpenAiChatModelOptions> = {}) => {
    const before = server.hitsTo('/hang/v1/chat/completions').length;
    const startedAt = performance.now();
    const result = await modelFor('hang', options).complete(request({ signal }));
    const elapsed = performance.now() - startedAt;
    await sleep(50); // the server sees the socket close
    const hit = server.hitsTo('/hang/v1/chat/completions')[before];
    return { result, elapsed, closed: typeof hit?.socketClosedAt === 'number' };
  };

  it('fails as timeout, retryable, when the signal aborts by a timer, and closes the connection', async () => {
    const { result, elapsed, closed } = await hangingCall(AbortSignal.timeout(200));
    expect(result).toEqual(
      E.left({ kind: 'timeout', message: expect.stringContaining('timed out'), retryable: true }),
    );
    expect(elapsed).toBeLessThan(5000);
    expect(closed).toBe(true);
  });

  it('fails as cancelled, not retryable, when the signal aborts for another reason', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('run cancelled')), 200);
    const { result, closed } = await hangingCall(controller.signal);
    expect(result).toEqual(
      E.left({ kind: 'cancelled', message: 'the request was cancelled: run cancelled', retryable: false }),
    );
    expect(closed).toBe(true);
  });

  it('fails as timeout when its own timeoutMs passes first', async () => {
    const { result } = await hangingCall(new AbortController().signal, { timeoutMs: 200 });
    expect(result).toEqual(
      E.left({ kind: 'timeout', message: 'no response within 200 ms', retryable: true }),
    );
  });

  it('fails a refused connection as network ECONNREFUSED, retryable', async () => {
    const refused = openAiChatModel({ baseUrl: `http://127.0.0.1:${closedPort}/v1`, model: 'm' });
    expect(await refused.complete(request())).toEqual(
      E.left({ kind: 'network', code: 'ECONNREFUSED', message: 'fetch failed', retryable: true }),
    );
  });
});
