import Fastify from 'fastify';
import type { Logger } from 'pino';
import type { Lifecycle } from './lifecycle.js';

/** The HTTP interface: the probes here; the OTLP ingest and the console add their routes. */
export const buildHttpServer = (lifecycle: Lifecycle, logger: Logger, requestTimeoutMs: number) => {
  const app = Fastify({
    loggerInstance: logger,
    requestTimeout: requestTimeoutMs,
    // Given to Node's createServer too: set on the server afterwards (as Fastify does), a request
    // timeout below the headers timeout (60 s) is never enforced on Node 20. Node checks the
    // deadlines every connectionsCheckingInterval (30 s by default).
    http: {
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(60_000, requestTimeoutMs),
      connectionsCheckingInterval: Math.min(1000, requestTimeoutMs),
    },
    // Connections idle at shutdown are closed at once; those with a request in flight finish it.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  // The probes are polled: their requests are not logged (warnings and errors still are).
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    const readiness = await lifecycle.readiness();
    return readiness.ready
      ? { status: 'ready' }
      : reply.code(503).send({ status: 'not_ready', reason: readiness.reason });
  });
  app.setNotFoundHandler(async (request, reply) =>
    reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url}` }),
  );
  return app;
};

/** Stops accepting, lets the requests in flight finish for up to `boundMs`, then closes whatever
 * connections are left. Resolves true when everything finished within the bound. */
export const closeWithin = async (
  app: ReturnType<typeof buildHttpServer>,
  boundMs: number,
): Promise<boolean> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), boundMs);
  });
  const closing = app.close();
  const outcome = await Promise.race([closing.then(() => 'closed' as const), late]);
  clearTimeout(timer);
  if (outcome === 'closed') return true;
  app.server.closeAllConnections();
  await closing;
  return false;
};
