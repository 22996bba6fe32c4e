import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import type { SkillContext } from '../../domain/ports/skill.js';
import { httpCallSkill, type HttpCallParams } from '../../adapters/skills/http-call-skill.js';

const ALLOWED = ['127.0.0.1'];

type Route = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** Resolved when the "hang" route has received a request: cancellation is tested without sleeping. */
let hangReached: () => void = () => undefined;
let redirectTargetHits = 0;

const json = (res: ServerResponse, status: number, value: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(value));
};

/** Writes 16 KiB chunks as fast as the client reads, up to 64 MiB, with no Content-Length. */
const streamEndlessly = (res: ServerResponse) => {
  const chunk = Buffer.alloc(16 * 1024, 'x');
  let sent = 0;
  res.writeHead(200, { 'content-type': 'text/plain' });
  const pump = () => {
    while (!res.destroyed && sent < 64 * 1024 * 1024) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  pump();
};

const ROUTES: Record<string, Route> = {
  '/status': (_req, res) =>
    json(res, 200, {
      items: [
        { name: 'a', price: 0.30000000000000004 },
        { name: 'b', price: 1e21 },
      ],
    }),
  '/text': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('plain ✓');
  },
  '/not-json': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"broken":');
  },
  '/unsafe-integer': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"id":9007199254740993}');
  },
  '/problem-json': (_req, res) => {
    res.writeHead(422, { 'content-type': 'application/problem+json' });
    res.end('{"title":"bad"}');
  },
  '/missing': (_req, res) => json(res, 404, { error: 'not found' }),
  '/broken': (_req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('boom');
  },
  '/no-content': (_req, res) => {
    res.writeHead(204);
    res.end();
  },
  '/redirect': (_req, res) => {
    res.writeHead(302, { location: '/redirect-target' });
    res.end();
  },
  '/redirect-target': (_req, res) => {
    redirectTargetHits += 1;
    json(res, 200, { followed: true });
  },
  '/hang': () => hangReached(),
  '/endless': (_req, res) => streamEndlessly(res),
  '/declared-large': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 5000 });
    res.end('y'.repeat(5000));
  },
  '/echo': (req, res, body) =>
    json(res, 201, {
      method: req.method,
      content_type: req.headers['content-type'] ?? null,
      x_trace: req.headers['x-trace'] ?? null,
      body,
    }),
};

let server: Server;
let base = '';
let closedPortBase = '';

const listen = (s: Server): Promise<number> =>
  new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const route = ROUTES[new URL(req.url ?? '/', 'http://x').pathname];
      if (route) route(req, res, Buffer.concat(chunks).toString('utf8'));
      else json(res, 404, { error: 'no route' });
    });
  });
  base = `http://127.0.0.1:${await listen(server)}`;
  const closed = createServer();
  const closedPort = await listen(closed);
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  closedPortBase = `http://127.0.0.1:${closedPort}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const params = (input: Record<string, unknown>): HttpCallParams => {
  const decoded = httpCallSkill.params.decode(input);
  if (decoded._tag === 'Left') throw new Error(describeDecodeErrors(decoded.left).join('; '));
  return decoded.right;
};

const context = (overrides: Partial<SkillContext> = {}): SkillContext => ({
  signal: new AbortController().signal,
  previousOutcomes: new Map(),
  allowedHosts: ALLOWED,
  ...overrides,
});

const call = (path: string, extra: Record<string, unknown> = {}, ctx: SkillContext = context()) =>
  httpCallSkill.execute(params({ method: 'GET', url: `${base}${path}`, timeout_ms: 5000, ...extra }), ctx);

describe('http_call against a real server', () => {
  it('parses a 200 JSON body into the outcome', async () => {
    expect(await call('/status')).toEqual({
      status: 'succeeded',
      outcome: {
        category: 'success',
        code: 'HTTP_200',
        data: {
          status: 200,
          content_type: 'application/json; charset=utf-8',
          body: {
            items: [
              { name: 'a', price: 0.30000000000000004 },
              { name: 'b', price: 1e21 },
            ],
          },
        },
      },
      cost_cents: 0,
    });
  });

  it('keeps text as text, and JSON that does not parse or cannot be hashed as text', async () => {
    expect((await call('/text')).outcome.data).toEqual({
      status: 200,
      content_type: 'text/plain',
      body: 'plain ✓',
    });
    expect((await call('/not-json')).outcome.data).toMatchObject({ body: '{"broken":' });
    expect((await call('/unsafe-integer')).outcome.data).toMatchObject({ body: '{"id":9007199254740993}' });
    expect((await call('/no-content')).outcome).toEqual({
      category: 'success',
      code: 'HTTP_204',
      data: { status: 204, content_type: null, body: '' },
    });
  });

  it('sends a JSON body and headers', async () => {
    const result = await call('/echo', {
      method: 'POST',
      body: { a: [1, 'é'] },
      headers: { 'x-trace': 't-1' },
    });
    expect(result).toMatchObject({ status: 'succeeded', outcome: { code: 'HTTP_201' } });
    expect(result.outcome.data).toMatchObject({
      body: { method: 'POST', content_type: 'application/json', x_trace: 't-1', body: '{"a":[1,"é"]}' },
    });
  });

  it('fails a 404 as client_error HTTP_404, keeping the response', async () => {
    expect(await call('/missing')).toEqual({
      status: 'failed',
      outcome: {
        category: 'client_error',
        code: 'HTTP_404',
        data: { status: 404, content_type: 'application/json; charset=utf-8', body: { error: 'not found' } },
      },
      cost_cents: 0,
      retryable: false,
    });
    expect((await call('/problem-json')).outcome).toMatchObject({
      category: 'client_error',
      code: 'HTTP_422',
      data: { body: { title: 'bad' } },
    });
  });

  it('fails a 500 as server_error HTTP_500', async () => {
    expect(await call('/broken')).toMatchObject({
      status: 'failed',
      outcome: { category: 'server_error', code: 'HTTP_500', data: { status: 500, body: 'boom' } },
    });
  });

  it('reports a 302 without following it', async () => {
    const hitsBefore = redirectTargetHits;
    const result = await call('/redirect');
    expect(result).toMatchObject({
      status: 'failed',
      outcome: { category: 'redirect', code: 'HTTP_302', data: { status: 302 } },
    });
    expect(redirectTargetHits).toBe(hitsBefore);
  });

  it('times out a server that never answers, within the timeout', async () => {
    const started = performance.now();
    const result = await call('/hang', { timeout_ms: 200 });
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({
      status: 'failed',
      outcome: { category: 'timeout', code: 'TIMEOUT' },
      cost_cents: 0,
    });
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(2000);
  });

  it('stops reading and fails a body larger than max_response_bytes', async () => {
    const result = await call('/endless', { max_response_bytes: 100_000 });
    expect(result).toMatchObject({
      status: 'failed',
      outcome: {
        category: 'resource_limit',
        code: 'RESPONSE_TOO_LARGE',
        data: { status: 200, max_response_bytes: 100_000 },
      },
    });
  });

  it('fails a declared Content-Length over the cap before reading, and accepts a body at the cap', async () => {
    expect((await call('/declared-large', { max_response_bytes: 4999 })).outcome.code).toBe(
      'RESPONSE_TOO_LARGE',
    );
    expect((await call('/declared-large', { max_response_bytes: 5000 })).outcome.code).toBe('HTTP_200');
    expect((await call('/declared-large', { method: 'HEAD', max_response_bytes: 10 })).outcome).toMatchObject(
      { code: 'HTTP_200', data: { body: '' } },
    );
  });

  it('reports a closed port as a network error', async () => {
    const result = await httpCallSkill.execute(
      params({ method: 'GET', url: `${closedPortBase}/x`, timeout_ms: 5000 }),
      context(),
    );
    expect(result).toMatchObject({
      status: 'failed',
      outcome: { category: 'network_error', code: 'ECONNREFUSED' },
      cost_cents: 0,
    });
  });

  it('denies 127.0.0.1 when the agent does not allow it, in the plan and at execution, without calling', async () => {
    const step = params({ method: 'GET', url: `${base}/redirect-target`, timeout_ms: 5000 });
    expect(httpCallSkill.validateInPlan(step, { stepIndex: 0, allowedHosts: [] })).toEqual([
      { field: 'url', message: expect.stringContaining('loopback') },
    ]);
    const hitsBefore = redirectTargetHits;
    const result = await httpCallSkill.execute(step, context({ allowedHosts: [] }));
    expect(result).toMatchObject({
      status: 'failed',
      outcome: { category: 'policy', code: 'HOST_DENIED' },
      cost_cents: 0,
    });
    expect(redirectTargetHits).toBe(hitsBefore);
  });

  it('honours a host:port allowance only on that port', async () => {
    const port = new URL(base).port;
    expect((await call('/status', {}, context({ allowedHosts: [`127.0.0.1:${port}`] }))).outcome.code).toBe(
      'HTTP_200',
    );
    expect(
      (await call('/status', {}, context({ allowedHosts: [`127.0.0.1:${Number(port) === 1 ? 2 : 1}`] })))
        .outcome.code,
    ).toBe('HOST_DENIED');
  });

  it('fails as cancelled when the run is cancelled mid-request', async () => {
    const controller = new AbortController();
    const reached = new Promise<void>((resolve) => {
      hangReached = resolve;
    });
    const pending = call('/hang', { timeout_ms: 30_000 }, context({ signal: controller.signal }));
    await reached;
    controller.abort(new Error('run cancelled'));
    expect(await pending).toMatchObject({
      status: 'failed',
      outcome: { category: 'cancelled', code: 'CANCELLED' },
    });
  });

  it('fails as cancelled without calling when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await call('/status', {}, context({ signal: controller.signal }))).outcome).toMatchObject({
      category: 'cancelled',
      code: 'CANCELLED',
    });
  });

  it("fails as timeout when the step's own time runs out first", async () => {
    const result = await call('/hang', { timeout_ms: 30_000 }, context({ signal: AbortSignal.timeout(100) }));
    expect(result.outcome).toMatchObject({
      category: 'timeout',
      code: 'TIMEOUT',
      data: { message: 'the step ran out of time' },
    });
  });
});
