import * as E from 'fp-ts/lib/Either.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { buildHttpServer } from './http-server.js';
import { decodeTraceRequest, type OtlpFormat } from '../adapters/otlp/decode-trace-request.js';
import { encodeTraceResponse } from '../adapters/otlp/encode-trace-response.js';
import { gunzipWithin } from '../adapters/otlp/gunzip-within.js';
import { authenticate, type AuthenticationError } from '../application/tokens/authenticate-token.js';
import { ingestSpans } from '../application/ingest/ingest-spans.js';
import type { IngestLimits, ObservedIngest } from './observed-ingest.js';

const CONTENT_TYPES: Readonly<Record<string, OtlpFormat>> = {
  'application/x-protobuf': 'protobuf',
  'application/json': 'json',
};

/** Seconds a client is told to wait before it sends again (429, 503). */
const RETRY_AFTER_SECONDS = '1';

const refuse = (reply: FastifyReply, status: number, error: string, message: string, retry = false) => {
  if (retry) void reply.header('retry-after', RETRY_AFTER_SECONDS);
  return reply.code(status).type('application/json').send({ error, message });
};

const AUTH_MESSAGES: Readonly<Record<Exclude<AuthenticationError['kind'], 'store' | 'wrong_scope'>, string>> =
  {
    missing: 'no Authorization header: send Authorization: Bearer <ingest token> (aos-int tokens create)',
    malformed: 'the Authorization header does not hold an ingest token (Bearer aos_it_...)',
    unknown: 'the ingest token is not known',
    revoked: 'the ingest token was revoked',
  };

const refuseAuthentication = (reply: FastifyReply, error: AuthenticationError) => {
  if (error.kind === 'store')
    return refuse(reply, 503, 'unavailable', 'the token store is unavailable', true);
  if (error.kind === 'wrong_scope')
    return refuse(
      reply,
      403,
      'forbidden',
      `a token of scope ${error.scope} cannot send traces (scope ${error.required})`,
    );
  return refuse(reply, 401, 'unauthorized', AUTH_MESSAGES[error.kind]);
};

/** The request body as sent, decompressed when its Content-Encoding says gzip; a refusal otherwise. */
const plainBody = (request: FastifyRequest, reply: FastifyReply, limits: IngestLimits): Uint8Array | null => {
  const body = request.body as Buffer;
  const encoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  if (encoding === 'identity') return body;
  if (encoding !== 'gzip') {
    void refuse(
      reply,
      415,
      'unsupported_encoding',
      `Content-Encoding ${encoding} is not supported: send gzip or none`,
    );
    return null;
  }
  const inflated = gunzipWithin(body, limits.maxDecodedBytes);
  if (E.isRight(inflated)) return inflated.right;
  if (inflated.left.kind === 'too_large')
    void refuse(
      reply,
      413,
      'too_large',
      `the decompressed body is larger than ${limits.maxDecodedBytes} bytes`,
    );
  else void refuse(reply, 400, 'bad_gzip', `the body is not valid gzip: ${inflated.left.message}`);
  return null;
};

const formatOf = (request: FastifyRequest): OtlpFormat | undefined =>
  CONTENT_TYPES[(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()];

/** Before the body is read: ready (503), capacity (429), the token (401/403), the content type
 * (415). Admitted, the request counts in flight until its connection is done with it. */
const admission =
  (ingest: () => ObservedIngest | null, limits: IngestLimits, counter: { inFlight: number }) =>
  async (request: FastifyRequest, reply: FastifyReply) => {
    const current = ingest();
    if (current === null) return refuse(reply, 503, 'not_ready', 'the server is not ready: try again', true);
    if (counter.inFlight >= limits.maxConcurrentRequests)
      return refuse(reply, 429, 'over_capacity', 'too many exports at once: try again', true);
    const principal = await authenticate(current.services.ingestTokens)(
      request.headers.authorization,
      'ingest',
    )();
    if (E.isLeft(principal)) return refuseAuthentication(reply, principal.left);
    if (formatOf(request) === undefined)
      return refuse(
        reply,
        415,
        'unsupported_media_type',
        `Content-Type ${request.headers['content-type'] ?? '(none)'} is not supported: send application/x-protobuf or application/json`,
      );
    request.tenantId = principal.right.tenant_id;
    counter.inFlight += 1;
    // 'close' comes once the response is sent or the connection dropped, whichever is first.
    reply.raw.once('close', () => {
      counter.inFlight -= 1;
    });
    return undefined;
  };

/** The admitted request: decompressed (413/400), decoded (400, nothing written), staged (503 when
 * the database fails), answered with the ExportTraceServiceResponse. */
const acceptTraces =
  (ingest: () => ObservedIngest | null, limits: IngestLimits) =>
  async (request: FastifyRequest, reply: FastifyReply) => {
    const current = ingest();
    const tenantId = request.tenantId;
    const format = formatOf(request);
    if (current === null || tenantId === undefined || format === undefined)
      return refuse(reply, 503, 'not_ready', 'the server is not ready', true);
    const body = plainBody(request, reply, limits);
    if (body === null) return reply;
    const decoded = decodeTraceRequest(format, body);
    if (E.isLeft(decoded)) return refuse(reply, 400, 'bad_request', decoded.left.message);
    const { spans, rejected } = decoded.right;
    const staged = await ingestSpans(current)(tenantId, spans)();
    if (E.isLeft(staged)) {
      request.log.error({ event: 'ingest_failed', error: staged.left }, 'spans could not be staged');
      return refuse(reply, 503, 'unavailable', 'the spans could not be stored: send them again', true);
    }
    request.log.info(
      {
        event: 'spans_received',
        tenant_id: tenantId,
        spans: spans.length,
        added: staged.right.added,
        rejected: rejected.count,
      },
      'spans received',
    );
    const refusal =
      rejected.count === 0 ? null : { rejected_spans: rejected.count, error_message: rejected.message };
    return reply
      .code(200)
      .type(format === 'protobuf' ? 'application/x-protobuf' : 'application/json')
      .send(Buffer.from(encodeTraceResponse(format, refusal)));
  };

/**
 * POST /v1/traces, OTLP/HTTP (docs/OBSERVED-RUNS.md): the token first (401/403; the body of a
 * request without one is not read), capacity (429), content type (415), size (413), decoding (400,
 * nothing written), then the spans of the token's tenant staged in one statement (503 if the
 * database fails) and the ExportTraceServiceResponse, with partial_success for refused spans.
 */
export const registerOtlpTracesRoute = (
  app: ReturnType<typeof buildHttpServer>,
  ingest: () => ObservedIngest | null,
  limits: IngestLimits,
): void => {
  const counter = { inFlight: 0 };
  void app.register(async (scope) => {
    // Every body of this route is read as bytes, whatever its type: the type is checked by admission.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: limits.maxRequestBytes },
      (_req, body, done) => done(null, body),
    );
    scope.addHook('onRequest', admission(ingest, limits, counter));
    scope.post('/v1/traces', acceptTraces(ingest, limits));
  });
};

declare module 'fastify' {
  interface FastifyRequest {
    /** The tenant of the ingest token that authenticated the request. */
    tenantId?: string;
  }
}
