import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import * as t from 'io-ts';
import { closedObject } from '../../domain/json/closed-object.js';
import { intBetween } from '../../domain/json/bounded-codecs.js';
import { findJsonRejection, JsonValueC, type JsonObject, type JsonValue } from '../../domain/json/json-value.js';
import type { PlanStepProblem, Skill, SkillContext, SkillResult } from '../../domain/ports/skill.js';
import { checkResolvedAddresses, checkUrlHost, effectivePort, isAllowedByAgent, urlHostname } from './host-policy.js';

const MIB = 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RESPONSE_BYTES = MIB;
const MAX_URL_LENGTH = 2048;
const MAX_HEADERS = 50;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const;
type HttpMethod = (typeof METHODS)[number];

const MethodC = new t.Type<HttpMethod, string, unknown>(
  'HttpMethod',
  (u): u is HttpMethod => METHODS.some((m) => m === u),
  (u, c) => {
    const method = METHODS.find((m) => m === u);
    return method === undefined ? t.failure(u, c, `expected one of ${METHODS.join(', ')}`) : t.success(method);
  },
  t.identity,
);

/** Why a URL string cannot be called, or null. */
const urlProblem = (u: string): string | null => {
  if (u.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  if (!URL.canParse(u)) return 'expected an absolute http(s) URL';
  const url = new URL(u);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `only http and https URLs are allowed (got ${url.protocol})`;
  if (url.username !== '' || url.password !== '') return 'must not carry credentials; send them in headers';
  return null;
};

const HttpUrlC = new t.Type<string, string, unknown>(
  'HttpUrl',
  (u): u is string => typeof u === 'string' && urlProblem(u) === null,
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'expected an absolute http(s) URL');
    const problem = urlProblem(u);
    return problem === null ? t.success(u) : t.failure(u, c, problem);
  },
  t.identity,
);

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[^\r\n\0]*$/;

const HeadersC = new t.Type<Record<string, string>, Record<string, string>, unknown>(
  'HttpHeaders',
  (u): u is Record<string, string> =>
    typeof u === 'object' && u !== null && !Array.isArray(u) && Object.entries(u).every(([k, v]) => HEADER_NAME.test(k) && typeof v === 'string' && HEADER_VALUE.test(v)),
  (u, c) => {
    if (typeof u !== 'object' || u === null || Array.isArray(u)) return t.failure(u, c, 'expected an object of header name to string value');
    const entries = Object.entries(u);
    if (entries.length > MAX_HEADERS) return t.failure(u, c, `at most ${MAX_HEADERS} headers`);
    for (const [name, value] of entries) {
      const at = t.appendContext(c, name, t.string, value);
      if (!HEADER_NAME.test(name)) return t.failure(value, at, 'not a valid header name');
      if (typeof value !== 'string') return t.failure(value, at, 'expected a string header value');
      if (!HEADER_VALUE.test(value)) return t.failure(value, at, 'header value must not contain CR, LF or NUL');
    }
    return t.success(u as Record<string, string>);
  },
  t.identity,
);

export type HttpCallParams = {
  readonly method: HttpMethod;
  readonly url: string;
  readonly timeout_ms?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: JsonValue;
  readonly max_response_bytes?: number;
};

const HttpCallFieldsC = closedObject(
  'HttpCallParams',
  { method: MethodC, url: HttpUrlC },
  { timeout_ms: intBetween(1, 60_000), headers: HeadersC, body: JsonValueC, max_response_bytes: intBetween(1, 10 * MIB) },
);

const bodyForbidden = (params: HttpCallParams): boolean => params.body !== undefined && (params.method === 'GET' || params.method === 'HEAD');

/** Plan params of `http_call`: unknown keys rejected (closedObject), and no body on GET or HEAD. */
export const HttpCallParamsC = new t.Type<HttpCallParams, JsonObject, unknown>(
  'HttpCallParams',
  (u): u is HttpCallParams => HttpCallFieldsC.is(u) && !bodyForbidden(u),
  (u, c) => {
    const fields = HttpCallFieldsC.validate(u, c);
    if (fields._tag === 'Left') return fields;
    const params: HttpCallParams = fields.right;
    if (bodyForbidden(params)) {
      return t.failure(params.body, t.appendContext(c, 'body', JsonValueC, params.body), `a ${params.method} request cannot have a body`);
    }
    return t.success(params);
  },
  (params) => HttpCallFieldsC.encode(params) as JsonObject,
);

export const httpCallParamsDoc: Readonly<Record<string, string>> = {
  method: METHODS.join(' | '),
  url: `absolute http(s) URL, at most ${MAX_URL_LENGTH} characters, no credentials; loopback, private, link-local and metadata hosts need the agent to allow the host`,
  timeout_ms: `optional integer 1..60000, default ${DEFAULT_TIMEOUT_MS}`,
  headers: `optional object of header name to string value, at most ${MAX_HEADERS}`,
  body: 'optional JSON value, sent as application/json (not with GET or HEAD)',
  max_response_bytes: `optional integer 1..${10 * MIB} (10 MiB), default ${DEFAULT_MAX_RESPONSE_BYTES}`,
};

/** Every address a hostname resolves to. */
export type AddressLookup = (hostname: string) => Promise<readonly string[]>;

const systemLookup: AddressLookup = async (hostname) => (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

const failed = (category: string, code: string, data: JsonObject): SkillResult => ({ status: 'failed', outcome: { category, code, data }, cost_cents: 0 });

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const categoryOf = (status: number): string =>
  status >= 200 && status < 300 ? 'success' : status >= 300 && status < 400 ? 'redirect' : status >= 400 && status < 500 ? 'client_error' : 'server_error';

const isJsonMediaType = (contentType: string | null): boolean => {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return media === 'application/json' || media === 'text/json' || media.endsWith('+json');
};

/** The body as JSON when it says it is JSON and is plain JSON (hashable), else as text. */
const bodyValue = (bytes: Uint8Array, contentType: string | null): JsonValue => {
  const text = new TextDecoder('utf-8').decode(bytes);
  if (!isJsonMediaType(contentType)) return text;
  try {
    const parsed: unknown = JSON.parse(text);
    return findJsonRejection(parsed) === null ? (parsed as JsonValue) : text;
  } catch {
    return text; // not JSON after all, or nested too deep to check: keep the text
  }
};

/** The body's bytes, or null as soon as it grows past `limit` (the rest is not read). */
const readCapped = async (body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array | null> => {
  if (body === null) return new Uint8Array();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return new Uint8Array(Buffer.concat(chunks, size));
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
};

/** A Content-Length over the cap fails before reading; not for HEAD (no body follows) nor for an
 * encoded body (the length is of the compressed bytes; the cap counts what fetch decodes). */
const declaredTooLarge = (method: HttpMethod, response: Response, limit: number): boolean => {
  if (method === 'HEAD' || response.headers.has('content-encoding')) return false;
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  return Number.isFinite(declared) && declared > limit;
};

/** Rejects with the signal's reason when it aborts first (DNS lookup cannot be aborted itself). */
const untilAborted = <T>(promise: Promise<T>, signal: AbortSignal): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });

const NETWORK_CODE = /^[A-Z][A-Z0-9_]*$/;

/** ECONNREFUSED, ENOTFOUND, UND_ERR_SOCKET...: from the error, its cause, or the cause's first error. */
const networkCode = (error: unknown): string => {
  const codeOf = (value: unknown): string | null => {
    const code = typeof value === 'object' && value !== null && 'code' in value ? value.code : undefined;
    return typeof code === 'string' && NETWORK_CODE.test(code) ? code : null;
  };
  const cause = typeof error === 'object' && error !== null && 'cause' in error ? error.cause : undefined;
  const inner = typeof cause === 'object' && cause !== null && 'errors' in cause && Array.isArray(cause.errors) ? (cause.errors as unknown[])[0] : undefined;
  return codeOf(error) ?? codeOf(cause) ?? codeOf(inner) ?? 'NETWORK_ERROR';
};

/** An abort is a timeout when a timer fired (ours, or the step's AbortSignal.timeout), else a cancellation. */
const abortedResult = (signal: AbortSignal, timeoutMs: number, ownTimeout: AbortSignal): SkillResult => {
  const reason: unknown = signal.reason;
  if (reason instanceof DOMException && reason.name === 'TimeoutError') {
    const message = ownTimeout.aborted ? `no complete response within ${timeoutMs} ms` : 'the step ran out of time';
    return failed('timeout', 'TIMEOUT', { message, timeout_ms: timeoutMs });
  }
  return failed('cancelled', 'CANCELLED', { message: `the step was cancelled: ${messageOf(reason)}` });
};

const requestHeaders = (params: HttpCallParams): Headers => {
  const headers = new Headers(params.headers ?? {});
  if (params.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
  return headers;
};

/** The host policy at execution: on the literal host, then on every address its name resolves to. */
const hostDenial = async (url: URL, context: SkillContext, lookup: AddressLookup, signal: AbortSignal): Promise<string | null> => {
  const literal = checkUrlHost(url, context.allowedHosts);
  if (!literal.allowed) return literal.reason;
  const hostname = urlHostname(url);
  if (isIP(hostname) !== 0) return null; // an IP literal: checked above, nothing to resolve
  if (isAllowedByAgent(hostname, effectivePort(url), context.allowedHosts)) return null;
  const verdict = checkResolvedAddresses(url, await untilAborted(lookup(hostname), signal), context.allowedHosts);
  return verdict.allowed ? null : verdict.reason;
};

const call = async (params: HttpCallParams, context: SkillContext, lookup: AddressLookup): Promise<SkillResult> => {
  const timeoutMs = params.timeout_ms ?? DEFAULT_TIMEOUT_MS;
  const limit = params.max_response_bytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const ownTimeout = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([context.signal, ownTimeout]);
  if (signal.aborted) return abortedResult(signal, timeoutMs, ownTimeout);
  const problem = urlProblem(params.url);
  if (problem !== null) return failed('input_error', 'INVALID_URL', { message: `url ${problem}` });
  const url = new URL(params.url);
  try {
    const denial = await hostDenial(url, context, lookup, signal);
    if (denial !== null) return failed('policy', 'HOST_DENIED', { message: denial });
    const response = await fetch(url, {
      method: params.method,
      headers: requestHeaders(params),
      body: params.body === undefined ? undefined : JSON.stringify(params.body),
      redirect: 'manual',
      signal,
    });
    const contentType = response.headers.get('content-type');
    const bytes = declaredTooLarge(params.method, response, limit) ? null : await readCapped(response.body, limit);
    if (bytes === null) {
      await response.body?.cancel().catch(() => undefined);
      return failed('resource_limit', 'RESPONSE_TOO_LARGE', {
        message: `the response body is larger than ${limit} bytes`, status: response.status, max_response_bytes: limit,
      });
    }
    const data = { status: response.status, content_type: contentType, body: bodyValue(bytes, contentType) };
    const ok = response.status >= 200 && response.status < 300;
    return { status: ok ? 'succeeded' : 'failed', outcome: { category: categoryOf(response.status), code: `HTTP_${response.status}`, data }, cost_cents: 0 };
  } catch (error) {
    if (signal.aborted) return abortedResult(signal, timeoutMs, ownTimeout);
    return failed('network_error', networkCode(error), { message: messageOf(error) });
  }
};

/** `http_call` with its DNS lookup given (tests resolve names without a DNS server). */
export const createHttpCallSkill = (deps: { readonly lookup: AddressLookup }): Skill<HttpCallParams> => ({
  name: 'http_call',
  version: '1',
  description: 'HTTP request with a timeout, a response size cap, redirects reported not followed, and a host policy; outcome data {status, content_type, body}',
  params: HttpCallParamsC,
  estimateCostCents: () => 0,
  validateInPlan: (params, { allowedHosts }): PlanStepProblem[] => {
    const problem = urlProblem(params.url);
    if (problem !== null) return [{ field: 'url', message: problem }];
    const verdict = checkUrlHost(new URL(params.url), allowedHosts);
    return verdict.allowed ? [] : [{ field: 'url', message: verdict.reason }];
  },
  execute: async (params, context) => {
    try {
      return await call(params, context, deps.lookup);
    } catch (error) {
      return failed('internal_error', 'INTERNAL_ERROR', { message: messageOf(error) });
    }
  },
});

/** A real HTTP request through global fetch, names resolved by the system resolver. */
export const httpCallSkill: Skill<HttpCallParams> = createHttpCallSkill({ lookup: systemLookup });
