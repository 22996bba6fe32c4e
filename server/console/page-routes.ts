import type { buildHttpServer } from '../http-server.js';
import type { FastifyReply } from 'fastify';
import type { ConsoleDeps } from './console-deps.js';
import { consoleAssets } from './console-assets.js';
import { requireReader } from './read-access.js';

/** The pages' one document: no inline script (the CSP forbids it), the app in /assets/console.js. */
const SHELL = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>AOS RunProof console</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/console.css">
<script type="module" src="/assets/console.js"></script></head>
<body><div id="app"></div></body></html>`;

/** GET / (the runs list), GET /runs/{run_id} (a run) GET /ledger (the tenant ledger's head)
 * and GET /compare?a=&b= (two runs side by side), for a reader (else to /login); the
 * assets, to anyone (they hold no data). */
export const registerConsolePages = (
  app: ReturnType<typeof buildHttpServer>,
  deps: () => ConsoleDeps | null,
): void => {
  const assets = consoleAssets();
  app.get<{ Params: { name: string } }>('/assets/:name', async (request, reply) => {
    const asset = assets(request.params.name);
    if (asset === undefined) return reply.code(404).send({ error: 'not_found', message: 'no such asset' });
    const { type, body } = await asset;
    return reply.type(type).header('cache-control', 'no-cache').send(body);
  });
  // No icon: an empty answer rather than a 404 the browser would log as an error.
  app.get('/favicon.ico', async (_request, reply) => reply.code(204).send());
  void app.register(async (scope) => {
    scope.addHook('preHandler', requireReader(deps, 'page'));
    const page = async (_request: unknown, reply: FastifyReply) =>
      reply.type('text/html; charset=utf-8').send(SHELL);
    scope.get('/', page);
    scope.get('/runs/:run_id', page);
    scope.get('/ledger', page);
    scope.get('/compare', page);
  });
};
