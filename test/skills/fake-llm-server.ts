import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import type { SkillContext } from '../../domain/ports/skill.js';
import { llmConfigFromEnv } from '../../adapters/skills/llm-config.js';
import { createLlmInvokeSkill, type LlmInvokeParams } from '../../adapters/skills/llm-invoke-skill.js';

/** The API key the llm_invoke tests (llm-invoke-*.int.spec.ts) send. */
export const KEY = 'sk-test-0123456789abcdef';

type Received = {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
};

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

const listen = (s: Server): Promise<number> =>
  new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));

/**
 * A fake OpenAI-compatible server on 127.0.0.1 for the test file (started and closed by the hooks
 * this registers), a port nothing listens on, and llm_invoke configured against them. The returned
 * object holds what the server received and the state of its scenarios: a test resets or sets
 * `received`, `flakyCalls` and `hangReached` on it.
 */
export const fakeLlmServer = () => {
  const llm = {
    received: [] as Received[],
    flakyCalls: 0,
    hangReached: (_socket: Socket): void => undefined,
    origin: '',
    closedPort: 0,
  };

  /** Each scenario is a base-URL prefix: AOS_LLM_BASE_URL = `${origin}/<scenario>/v1`. */
  const SCENARIOS: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    ok: (_req, res) => json(res, 200, completion('Hello!')),
    flaky: (_req, res) => {
      llm.flakyCalls += 1;
      if (llm.flakyCalls === 1) json(res, 500, { error: { message: 'upstream exploded' } });
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
    hang: (req) => llm.hangReached(req.socket),
  };

  let server: Server;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        const text = Buffer.concat(chunks).toString('utf8');
        llm.received.push({
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
    llm.origin = `http://127.0.0.1:${await listen(server)}`;
    const closed = createServer();
    llm.closedPort = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const skillFor = (scenario: string, baseOrigin = llm.origin) =>
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

  return Object.assign(llm, { skillFor, params, context, invoke });
};
