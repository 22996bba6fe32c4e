import { Mutex } from 'async-mutex';
import * as E from 'fp-ts/lib/Either.js';
import type { buildHttpServer } from '../http-server.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { exportRunBundle } from '../../application/bundle/export-run-bundle.js';
import { streamedRunBundle } from '../../application/bundle/streamed-run-bundle.js';
import { runEventPages, runEventsAfter } from '../../application/console/run-events-after.js';
import { runOverview } from '../../application/console/run-overview.js';
import { runsPage } from '../../application/console/runs-page.js';
import { ledgerHead } from '../../application/ledger/ledger-head.js';
import { readRunEvents } from '../../application/runs/read-run-events.js';
import type { ConsoleDeps } from './console-deps.js';
import { asReaderApi } from './read-access.js';
import { provedBundleStream, streamedBundleStream } from './bundle-stream.js';
import { parseEventsPage } from './events-query.js';
import { encodeCursor, parseRunsQuery } from './runs-query.js';

type RunParams = { Params: { run_id: string } };

const notFound = (reply: FastifyReply, runId: string) =>
  reply.code(404).send({ error: 'not_found', message: `no run ${runId}` });

const unavailable = (reply: FastifyReply) =>
  reply.code(503).send({ error: 'unavailable', message: 'the store failed: try again' });

/** The deps and tenant a preHandler established (requireReader ran before every handler here). */
const reader = (deps: () => ConsoleDeps | null, request: FastifyRequest) => {
  const current = deps();
  const tenantId = request.tenantId;
  if (current === null || tenantId === undefined) throw new Error('console route reached without a reader');
  return { deps: current, tenantId };
};

const listRuns = (deps: () => ConsoleDeps | null) => async (request: FastifyRequest, reply: FastifyReply) => {
  const { deps: current, tenantId } = reader(deps, request);
  const query = parseRunsQuery(request.query as Record<string, unknown>);
  if (E.isLeft(query)) return reply.code(400).send({ error: 'bad_request', message: query.left });
  const { filter, after, limit } = query.right;
  const page = await runsPage(current.services, tenantId, filter, after, limit);
  return { tenant_id: tenantId, runs: page.runs, next_cursor: page.next && encodeCursor(page.next) };
};

const getRun =
  (deps: () => ConsoleDeps | null) => async (request: FastifyRequest<RunParams>, reply: FastifyReply) => {
    const { deps: current, tenantId } = reader(deps, request);
    const run = await runOverview(current.services, tenantId, request.params.run_id);
    if (E.isLeft(run)) return unavailable(reply);
    return run.right === null ? notFound(reply, request.params.run_id) : run.right;
  };

type EventsRequest = RunParams & { Querystring: Record<string, unknown> };

/** GET /api/runs/{run_id}/events?from=SEQ[&limit=N]: a page of the run's events as its bundle holds
 * them (the page's first steps, a step's record), and the seq the next page starts at. */
const getEventsPage = async (
  current: ConsoleDeps,
  tenantId: string,
  request: FastifyRequest<EventsRequest>,
  reply: FastifyReply,
) => {
  const page = parseEventsPage(request.query);
  if (E.isLeft(page)) return reply.code(400).send({ error: 'bad_request', message: page.left });
  const { from, limit } = page.right;
  const read = await runEventsAfter(current.services.store, tenantId, request.params.run_id, from, limit);
  if (E.isLeft(read)) return unavailable(reply);
  if (read.right.events.length === 0 && from === 0) return notFound(reply, request.params.run_id);
  const last = read.right.events[read.right.events.length - 1];
  return { events: read.right.events, next_seq: last === undefined ? from : last.seq + 1 };
};

/** GET /api/runs/{run_id}/events: every event of the run as the store holds it; with `from`, a page. */
const getEvents =
  (deps: () => ConsoleDeps | null) => async (request: FastifyRequest<EventsRequest>, reply: FastifyReply) => {
    const { deps: current, tenantId } = reader(deps, request);
    if (request.query.from !== undefined) return getEventsPage(current, tenantId, request, reply);
    const events = await readRunEvents(current.services.store, tenantId, request.params.run_id);
    if (E.isLeft(events)) return unavailable(reply);
    return events.right.length === 0 ? notFound(reply, request.params.run_id) : { events: events.right };
  };

/** `aos export`'s bundle from a whole proof first (one proof at a time: `proofs`), for the runs the
 * streamed bundle leaves to it (no events, a damaged ledger). */
const provedBundle = async (
  current: ConsoleDeps,
  tenantId: string,
  runId: string,
  proofs: Mutex,
  reply: FastifyReply,
) => {
  const exported = await proofs.runExclusive(() =>
    exportRunBundle(current.services, current.keys, tenantId, runId, new Date().toISOString()),
  );
  if (E.isLeft(exported))
    return exported.left.kind === 'run_not_found' ? notFound(reply, runId) : unavailable(reply);
  const { bundle, proof } = exported.right;
  const pages = runEventPages(current.services.store, tenantId, runId, proof.integrity.chain_length);
  return sendBundle(reply, provedBundleStream(bundle, pages));
};

const sendBundle = (reply: FastifyReply, body: Readable) => {
  // A reader gone before the end (a page left) releases the store's read at once.
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) body.destroy();
  });
  return reply.type('application/json; charset=utf-8').send(body);
};

/** `aos export`'s bundle (its tree head signed now), one JSON document streamed from its first
 * byte: its events are read a page at a time (short queries: no connection is held while the
 * reader reads) and go out as they are read, its integrity made over them on the way
 * (streamedRunBundle), so a long run's bundle is never whole in the server's memory and the page
 * verifies while it downloads. */
const getBundle =
  (deps: () => ConsoleDeps | null, proofs: Mutex) =>
  async (request: FastifyRequest<RunParams>, reply: FastifyReply) => {
    const { deps: current, tenantId } = reader(deps, request);
    const runId = request.params.run_id;
    const streamed = await streamedRunBundle(
      current.services,
      current.keys,
      tenantId,
      runId,
      new Date().toISOString(),
    );
    if (E.isRight(streamed)) return sendBundle(reply, streamedBundleStream(streamed.right));
    if (streamed.left.kind === 'store') return unavailable(reply);
    return provedBundle(current, tenantId, runId, proofs, reply);
  };

const getLedgerHead =
  (deps: () => ConsoleDeps | null) => async (request: FastifyRequest, reply: FastifyReply) => {
    const { deps: current, tenantId } = reader(deps, request);
    const head = await ledgerHead(
      current.services.store,
      current.keys,
      tenantId,
      current.services.ledgerHeads,
    );
    return E.isLeft(head) ? unavailable(reply) : head.right;
  };

/** The console's JSON API: every route reads the tenant of its read token, nothing else; another
 * tenant's run is 404 like a missing one. */
export const registerConsoleApi = (
  app: ReturnType<typeof buildHttpServer>,
  deps: () => ConsoleDeps | null,
): void => {
  void app.register(async (scope) => {
    asReaderApi(scope, deps);
    scope.get('/api/runs', listRuns(deps));
    scope.get('/api/runs/:run_id', getRun(deps));
    scope.get('/api/runs/:run_id/events', getEvents(deps));
    // One bundle's whole proof at a time (the runs the streamed bundle leaves to it): a proof holds two of the pool's four connections at once (the
    // events and the step rows, both streamed), so two proofs each holding one and waiting for a
    // second would wait for ever (the compare page asks for two bundles at once).
    scope.get('/api/runs/:run_id/bundle', getBundle(deps, new Mutex()));
    scope.get('/api/ledger/head', getLedgerHead(deps));
  });
};
