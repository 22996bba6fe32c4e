import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import type { SkillContext } from '../../domain/ports/skill.js';
import { httpCallSkill, type HttpCallParams } from '../../adapters/skills/http-call-skill.js';
import { startLocalServer, type Hit, type LocalServer } from '../support/local-http-server.js';

const ALLOWED = ['127.0.0.1'];

type Route = (hit: Hit, res: ServerResponse) => void;

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

/**
 * A real server on 127.0.0.1 for http_call's tests (http-call-*.int.spec.ts), started and closed
 * by the hooks this registers, with a route per kind of answer; a base URL nothing listens on; and
 * http_call called against them. A test sets `hangReached` to learn that the "hang" route has
 * received a request (cancellation is tested without sleeping).
 */
export const httpCallServer = () => {
  let server: LocalServer;
  const http = {
    base: '',
    closedPortBase: '',
    hangReached: (): void => undefined,
    /** Requests the redirect target got so far. */
    get redirectTargetHits(): number {
      return server.hitsTo('/redirect-target').length;
    },
  };

  const ROUTES: Record<string, Route> = {
    '/status': (_hit, res) =>
      json(res, 200, {
        items: [
          { name: 'a', price: 0.30000000000000004 },
          { name: 'b', price: 1e21 },
        ],
      }),
    '/text': (_hit, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('plain ✓');
    },
    '/not-json': (_hit, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"broken":');
    },
    '/unsafe-integer': (_hit, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":9007199254740993}');
    },
    '/problem-json': (_hit, res) => {
      res.writeHead(422, { 'content-type': 'application/problem+json' });
      res.end('{"title":"bad"}');
    },
    '/missing': (_hit, res) => json(res, 404, { error: 'not found' }),
    '/broken': (_hit, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('boom');
    },
    '/no-content': (_hit, res) => {
      res.writeHead(204);
      res.end();
    },
    '/redirect': (_hit, res) => {
      res.writeHead(302, { location: '/redirect-target' });
      res.end();
    },
    '/redirect-target': (_hit, res) => json(res, 200, { followed: true }),
    '/hang': () => http.hangReached(),
    '/endless': (_hit, res) => streamEndlessly(res),
    '/declared-large': (_hit, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 5000 });
      res.end('y'.repeat(5000));
    },
    '/echo': (hit, res) =>
      json(res, 201, {
        method: hit.method,
        content_type: hit.headers['content-type'] ?? null,
        x_trace: hit.headers['x-trace'] ?? null,
        body: hit.body,
      }),
  };

  beforeAll(async () => {
    server = await startLocalServer((hit, res) => {
      const route = ROUTES[hit.path];
      if (route) route(hit, res);
      else json(res, 404, { error: 'no route' });
    });
    http.base = server.base;
    const closed = await startLocalServer(() => undefined);
    await closed.close();
    http.closedPortBase = closed.base;
  });

  afterAll(async () => server.close());

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
    httpCallSkill.execute(
      params({ method: 'GET', url: `${http.base}${path}`, timeout_ms: 5000, ...extra }),
      ctx,
    );

  return Object.assign(http, { params, context, call });
};
