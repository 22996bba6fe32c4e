import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import type { SkillContext, SkillResult } from '../../domain/ports/skill.js';
import { createHttpCallSkill, httpCallSkill } from '../../adapters/skills/http-call-skill.js';

/** Calls to /flaky so far: the first FLAKY_FAILURES answer 503. */
let flakyCalls = 0;
const FLAKY_FAILURES = 2;
/** Resolved with the socket of the request that reached /hang. */
let hangReached: (socket: Socket) => void = () => undefined;

const status = (res: ServerResponse, code: number, headers: Record<string, string> = {}) => {
  res.writeHead(code, { 'content-type': 'text/plain', ...headers });
  res.end(`status ${code}`);
};

const ROUTES: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/flaky': (_req, res) => {
    flakyCalls += 1;
    status(res, flakyCalls <= FLAKY_FAILURES ? 503 : 200);
  },
  '/missing': (_req, res) => status(res, 404),
  '/teapot': (_req, res) => status(res, 418),
  '/slow-client': (_req, res) => status(res, 408),
  '/limited': (_req, res) => status(res, 429, { 'retry-after': '1' }),
  '/unavailable': (_req, res) => status(res, 503),
  '/not-implemented': (_req, res) => status(res, 501),
  '/moved': (_req, res) => status(res, 301, { location: '/elsewhere' }),
  '/reset': (req) => req.socket.destroy(),
  '/reset-mid-body': (req, res) => {
    res.writeHead(200, { 'content-length': 1000 });
    res.write('partial');
    setTimeout(() => req.socket.destroy(), 20);
  },
  '/large': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('z'.repeat(5000));
  },
  '/hang': (req) => hangReached(req.socket),
};

let server: Server;
let base = '';
let closedPortBase = '';

const listen = (s: Server): Promise<number> =>
  new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      (ROUTES[new URL(req.url ?? '/', 'http://x').pathname] ?? ((_q, r) => status(r, 404)))(req, res),
    );
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

const context = (overrides: Partial<SkillContext> = {}): SkillContext => ({
  signal: new AbortController().signal,
  previousOutcomes: new Map(),
  allowedHosts: ['127.0.0.1'],
  ...overrides,
});

const run = (input: Record<string, unknown>, ctx: SkillContext = context()): Promise<SkillResult> => {
  const decoded = httpCallSkill.params.decode({ method: 'GET', timeout_ms: 5000, ...input });
  if (decoded._tag === 'Left') throw new Error(describeDecodeErrors(decoded.left).join('; '));
  return httpCallSkill.execute(decoded.right, ctx);
};

const get = (path: string, extra: Record<string, unknown> = {}, ctx?: SkillContext) =>
  run({ url: `${base}${path}`, ...extra }, ctx);

describe('http_call failure classification', () => {
  it('marks 503 retryable, and succeeds when retried as the runner would', async () => {
    flakyCalls = 0;
    const results: SkillResult[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const result = await get('/flaky');
      results.push(result);
      if (result.retryable !== true) break;
    }
    expect(results.map((r) => [r.status, r.outcome.category, r.outcome.code, r.retryable])).toEqual([
      ['failed', 'server_error', 'HTTP_503', true],
      ['failed', 'server_error', 'HTTP_503', true],
      ['succeeded', 'success', 'HTTP_200', undefined],
    ]);
    expect(flakyCalls).toBe(3);
  });

  it.each([
    ['/unavailable', 'server_error', 'HTTP_503', true],
    ['/not-implemented', 'server_error', 'HTTP_501', true],
    ['/limited', 'rate_limited', 'HTTP_429', true],
    ['/slow-client', 'client_error', 'HTTP_408', true],
    ['/missing', 'client_error', 'HTTP_404', false],
    ['/teapot', 'client_error', 'HTTP_418', false],
    ['/moved', 'redirect', 'HTTP_301', false],
  ])('%s fails as %s %s, retryable %s', async (path, category, code, retryable) => {
    expect(await get(path)).toMatchObject({
      status: 'failed',
      outcome: { category, code },
      cost_cents: 0,
      retryable,
    });
  });

  it('marks a refused connection and a socket hang-up retryable', async () => {
    expect(await run({ url: `${closedPortBase}/x` })).toMatchObject({
      outcome: { category: 'network_error', code: 'ECONNREFUSED' },
      retryable: true,
    });
    expect(await get('/reset')).toMatchObject({
      outcome: { category: 'network_error', code: 'UND_ERR_SOCKET' },
      retryable: true,
    });
    expect(await get('/reset-mid-body')).toMatchObject({
      outcome: { category: 'network_error', code: 'UND_ERR_SOCKET' },
      retryable: true,
    });
  });

  it('does not retry a response over the cap, a denied host, or a name that does not exist', async () => {
    expect(await get('/large', { max_response_bytes: 100 })).toMatchObject({
      outcome: { code: 'RESPONSE_TOO_LARGE' },
      retryable: false,
    });
    expect(await get('/missing', {}, context({ allowedHosts: [] }))).toMatchObject({
      outcome: { code: 'HOST_DENIED' },
      retryable: false,
    });
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND no-such-host.example'), {
      code: 'ENOTFOUND',
    });
    const unresolvable = createHttpCallSkill({ lookup: () => Promise.reject(notFound) });
    const decoded = unresolvable.params.decode({ method: 'GET', url: 'http://no-such-host.example/' });
    if (decoded._tag === 'Left') throw new Error('params did not decode');
    expect(await unresolvable.execute(decoded.right, context())).toMatchObject({
      outcome: { category: 'network_error', code: 'ENOTFOUND' },
      retryable: false,
    });
  });

  it('marks its own timeout retryable', async () => {
    expect(await get('/hang', { timeout_ms: 100 })).toMatchObject({
      outcome: { category: 'timeout', code: 'TIMEOUT' },
      retryable: true,
    });
  });
});

describe('http_call aborted by the step signal', () => {
  const hangAndAbort = async (abort: (controller: AbortController) => void) => {
    const controller = new AbortController();
    const reached = new Promise<Socket>((resolve) => {
      hangReached = resolve;
    });
    const pending = get('/hang', { timeout_ms: 30_000 }, context({ signal: controller.signal }));
    const socket = await reached;
    // Infinity when the socket is still open a second later: the test fails instead of hanging
    const closed = Promise.race([
      new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now()))),
      sleep(1000).then(() => Number.POSITIVE_INFINITY),
    ]);
    const abortedAt = performance.now();
    abort(controller);
    const result = await pending;
    return { result, closeDelayMs: (await closed) - abortedAt };
  };

  it('closes the connection promptly on a step timeout, and is retryable', async () => {
    const { result, closeDelayMs } = await hangAndAbort((c) =>
      c.abort(new DOMException('step time is up', 'TimeoutError')),
    );
    expect(result).toMatchObject({
      status: 'failed',
      outcome: { category: 'timeout', code: 'TIMEOUT', data: { message: 'the step ran out of time' } },
      retryable: true,
    });
    expect(closeDelayMs).toBeLessThan(500);
  });

  it('closes the connection promptly on a cancellation, and is not retryable', async () => {
    const { result, closeDelayMs } = await hangAndAbort((c) => c.abort(new Error('run cancelled')));
    expect(result).toMatchObject({
      status: 'failed',
      outcome: { category: 'cancelled', code: 'CANCELLED' },
      retryable: false,
    });
    expect(closeDelayMs).toBeLessThan(500);
  });
});
