import * as E from 'fp-ts/lib/Either.js';
import type { buildHttpServer } from '../http-server.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConsoleDeps } from './console-deps.js';
import { readTenant } from './read-access.js';
import { clearedSessionCookie, sessionCookie } from './session-cookie.js';

const loginPage = (problem: string | null): string => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign in · AOS RunProof</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/console.css"></head>
<body><main class="login">
<h1>AOS RunProof</h1>
<form method="post" action="/login">
<label for="token">Read token</label>
<input id="token" name="token" type="password" autocomplete="off" required placeholder="aos_it_...">
<p class="hint">A token of scope read: aos-int tokens create --tenant-id T --scope read</p>
${problem === null ? '' : `<p class="problem" role="alert">${problem}</p>`}
<button type="submit">Sign in</button>
</form></main></body></html>`;

/** A POST from another site's page is refused: its Origin, when sent, must be this server. */
const sameOrigin = (request: FastifyRequest): boolean => {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
};

const signIn = (deps: () => ConsoleDeps | null) => async (request: FastifyRequest, reply: FastifyReply) => {
  const current = deps();
  if (current === null) return reply.code(503).type('text/html').send(loginPage('The server is not ready.'));
  if (!sameOrigin(request)) return reply.code(403).type('text/html').send(loginPage('Refused.'));
  const token = new URLSearchParams(String(request.body ?? '')).get('token')?.trim() ?? '';
  const tenant = await readTenant(current, `Bearer ${token}`);
  if (E.isLeft(tenant))
    return reply
      .code(tenant.left === 'store' ? 503 : 401)
      .type('text/html')
      .send(loginPage('That is not a valid read token.'));
  return reply.header('set-cookie', sessionCookie(token, request.protocol === 'https')).redirect('/', 303);
};

/** GET /login (the form), POST /login (the token, from the form: sets the session cookie),
 * POST /logout (clears it). */
export const registerLoginRoutes = (
  app: ReturnType<typeof buildHttpServer>,
  deps: () => ConsoleDeps | null,
): void => {
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 4096 },
      (_request, body, done) => done(null, body),
    );
    scope.get('/login', async (_request, reply) => reply.type('text/html').send(loginPage(null)));
    scope.post('/login', signIn(deps));
    scope.post('/logout', async (request, reply) => {
      if (!sameOrigin(request)) return reply.code(403).send({ error: 'forbidden' });
      return reply.header('set-cookie', clearedSessionCookie()).redirect('/login', 303);
    });
  });
};
