import * as E from 'fp-ts/lib/Either.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { runEventsAfter } from '../../application/console/run-events-after.js';
import { getRun } from '../../application/runs/run-queries.js';
import type { buildHttpServer } from '../http-server.js';
import type { ConsoleDeps } from './console-deps.js';
import { requireReader } from './read-access.js';

/** How often the store is read for a run's new events, and for how long a stream is kept open. */
const POLL_MS = 300;
const MAX_STREAM_MS = 10 * 60_000;

type Streams = Set<() => void>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends the run's events as they are appended (`event: events`), then `event: sealed` once its
 * RunCompleted (appended with its seal) is there, and ends. */
const follow = async (
  deps: ConsoleDeps,
  tenantId: string,
  runId: string,
  reply: FastifyReply,
  streams: Streams,
) => {
  let open = true;
  const stop = () => {
    open = false;
  };
  streams.add(stop);
  reply.raw.once('close', stop);
  const started = Date.now();
  let next = 0;
  try {
    while (open && Date.now() - started < MAX_STREAM_MS) {
      const read = await runEventsAfter(deps.services.store, tenantId, runId, next);
      if (E.isLeft(read)) break;
      const { events, ended } = read.right;
      if (events.length > 0) {
        reply.raw.write(`event: events\ndata: ${JSON.stringify(events)}\n\n`);
        next = events[events.length - 1]!.seq + 1;
      }
      if (ended) {
        reply.raw.write('event: sealed\ndata: {}\n\n');
        break;
      }
      if (events.length === 0) await sleep(POLL_MS);
    }
  } finally {
    streams.delete(stop);
    reply.raw.end();
  }
};

const live =
  (deps: () => ConsoleDeps | null, streams: Streams) =>
  async (request: FastifyRequest<{ Params: { run_id: string } }>, reply: FastifyReply) => {
    const current = deps();
    const tenantId = request.tenantId;
    if (current === null || tenantId === undefined) throw new Error('live route reached without a reader');
    const runId = request.params.run_id;
    if ((await getRun(current.services, tenantId, runId)) === undefined)
      return reply.code(404).send({ error: 'not_found', message: `no run ${runId}` });
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
    });
    await follow(current, tenantId, runId, reply, streams);
    return reply;
  };

/** GET /api/runs/{run_id}/live: server-sent events of a running run, until it is sealed. Streams
 * end when the server begins to close (they would otherwise hold the shutdown to its bound). */
export const registerLiveRoute = (
  app: ReturnType<typeof buildHttpServer>,
  deps: () => ConsoleDeps | null,
): void => {
  const streams: Streams = new Set();
  app.addHook('preClose', async () => {
    for (const stop of streams) stop();
  });
  void app.register(async (scope) => {
    scope.addHook('preHandler', requireReader(deps, 'api'));
    scope.get('/api/runs/:run_id/live', live(deps, streams));
  });
};
