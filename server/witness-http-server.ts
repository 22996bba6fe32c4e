import Fastify from 'fastify';
import * as E from 'fp-ts/lib/Either.js';
import type { Logger } from 'pino';
import { addCheckpoint, type Witness } from '../application/witness/add-checkpoint.js';

/** The largest add-checkpoint body read: an old size, 63 proof lines and a note of 100 signatures
 * fit in a small fraction of it. */
const MAX_BODY_BYTES = 64 * 1024;

/** The C2SP tlog-witness HTTP interface: `POST /add-checkpoint`, its body as bytes; 200 with the
 * cosignature line, or the refusal's status (409 with the size held, as `text/x.tlog.size`). */
export const buildWitnessHttpServer = (witness: Witness, logger: Logger) => {
  const app = Fastify({
    loggerInstance: logger,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    bodyLimit: MAX_BODY_BYTES,
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.post('/add-checkpoint', async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const answer = await addCheckpoint(witness, new Uint8Array(body));
    if (E.isRight(answer)) return reply.type('text/plain; charset=utf-8').send(answer.right);
    const refusal = answer.left;
    request.log.info({ event: 'refused', status: refusal.status }, refusal.message);
    if (refusal.status === 409) return reply.code(409).type('text/x.tlog.size').send(`${refusal.size}\n`);
    return reply.code(refusal.status).type('text/plain; charset=utf-8').send(`${refusal.message}\n`);
  });
  return app;
};
