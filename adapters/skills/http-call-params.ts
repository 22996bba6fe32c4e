import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as t from 'io-ts';
import { closedObject } from '../../domain/json/closed-object.js';
import { intBetween } from '../../domain/json/bounded-codecs.js';
import { MAX_JSON_DEPTH } from '../../domain/json/json-depth.js';
import { JsonValueC, type JsonObject, type JsonValue } from '../../domain/json/json-value.js';
import { forbiddenHeaderReason, headersNotSentAsWritten } from './forbidden-request-headers.js';

const MIB = 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RESPONSE_BYTES = MIB;
export const MAX_TIMEOUT_MS = 60_000;
export const MAX_RESPONSE_BYTES_CAP = 10 * MIB;
export const MAX_URL_LENGTH = 2048;
export const MAX_HEADERS = 50;
export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const;
export type HttpMethod = (typeof METHODS)[number];

/** Methods whose request has no body. */
export const METHODS_WITHOUT_BODY: readonly HttpMethod[] = ['GET', 'HEAD'];

/** The body is kept in the outcome data (`{status, content_type, body}`), one level below its
 * root, and outcome data nests at most MAX_JSON_DEPTH levels. */
export const MAX_BODY_DEPTH = MAX_JSON_DEPTH - 1;

/** Methods whose repetition has no further effect (RFC 9110 §9.2.2): a step in flight when its
 * process died is run again on resume only for these. */
const IDEMPOTENT_METHODS: readonly HttpMethod[] = ['GET', 'HEAD', 'PUT', 'DELETE'];

export const isIdempotentMethod = (method: HttpMethod): boolean => IDEMPOTENT_METHODS.includes(method);

export const httpCallIdempotentDoc = IDEMPOTENT_METHODS.join(', ');

const MethodC = new t.Type<HttpMethod, string, unknown>(
  'HttpMethod',
  (u): u is HttpMethod => METHODS.some((m) => m === u),
  (u, c) => {
    const method = METHODS.find((m) => m === u);
    return method === undefined
      ? t.failure(u, c, `expected one of ${METHODS.join(', ')}`)
      : t.success(method);
  },
  t.identity,
);

/** Why a URL string cannot be called, or null. */
export const urlProblem = (u: string): string | null => {
  if (u.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  if (!URL.canParse(u)) return 'expected an absolute http(s) URL';
  const url = new URL(u);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `only http and https URLs are allowed (got ${url.protocol})`;
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

export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
export const HEADER_VALUE = /^[^\r\n\0]*$/;

const HeadersC = new t.Type<Record<string, string>, Record<string, string>, unknown>(
  'HttpHeaders',
  (u): u is Record<string, string> =>
    typeof u === 'object' &&
    u !== null &&
    !Array.isArray(u) &&
    Object.entries(u).every(
      ([k, v]) =>
        HEADER_NAME.test(k) &&
        forbiddenHeaderReason(k) === null &&
        typeof v === 'string' &&
        HEADER_VALUE.test(v),
    ),
  (u, c) => {
    if (typeof u !== 'object' || u === null || Array.isArray(u))
      return t.failure(u, c, 'expected an object of header name to string value');
    const entries = Object.entries(u);
    if (entries.length > MAX_HEADERS) return t.failure(u, c, `at most ${MAX_HEADERS} headers`);
    for (const [name, value] of entries) {
      const at = t.appendContext(c, name, t.string, value);
      if (!HEADER_NAME.test(name)) return t.failure(value, at, 'not a valid header name');
      const forbidden = forbiddenHeaderReason(name);
      if (forbidden !== null) return t.failure(value, at, forbidden);
      if (typeof value !== 'string') return t.failure(value, at, 'expected a string header value');
      if (!HEADER_VALUE.test(value))
        return t.failure(value, at, 'header value must not contain CR, LF or NUL');
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
  {
    timeout_ms: intBetween(1, MAX_TIMEOUT_MS),
    headers: HeadersC,
    body: JsonValueC,
    max_response_bytes: intBetween(1, MAX_RESPONSE_BYTES_CAP),
  },
);

const bodyForbidden = (params: HttpCallParams): boolean =>
  params.body !== undefined && METHODS_WITHOUT_BODY.includes(params.method);

/** Plan params of `http_call`: unknown keys rejected (closedObject), and no body on GET or HEAD. */
export const HttpCallParamsC = new t.Type<HttpCallParams, JsonObject, unknown>(
  'HttpCallParams',
  (u): u is HttpCallParams => HttpCallFieldsC.is(u) && !bodyForbidden(u),
  (u, c) =>
    pipe(
      HttpCallFieldsC.validate(u, c),
      E.flatMap((params: HttpCallParams) =>
        bodyForbidden(params)
          ? t.failure(
              params.body,
              t.appendContext(c, 'body', JsonValueC, params.body),
              `a ${params.method} request cannot have a body`,
            )
          : t.success(params),
      ),
    ),
  (params) => HttpCallFieldsC.encode(params) as JsonObject,
);

export const httpCallParamsDoc = {
  method: METHODS.join(' | '),
  url: `absolute http(s) URL, at most ${MAX_URL_LENGTH} characters, no credentials; loopback, private, link-local and metadata hosts need the agent to allow the host`,
  timeout_ms: `optional integer 1..${MAX_TIMEOUT_MS}, default ${DEFAULT_TIMEOUT_MS} (the step's own timeout also applies)`,
  headers: `optional object of header name to string value, at most ${MAX_HEADERS}, not ${headersNotSentAsWritten.join(', ')} (the client sets or refuses those); a value may be a secret reference {{secret:NAME}}, which the runner resolves before the call`,
  body: `optional JSON value, sent as application/json (not with ${METHODS_WITHOUT_BODY.join(' or ')})`,
  max_response_bytes: `optional integer 1..${MAX_RESPONSE_BYTES_CAP} (10 MiB), default ${DEFAULT_MAX_RESPONSE_BYTES}`,
};
