import { isIP } from 'node:net';
import { jsonDepthExcess } from '../../domain/json/json-depth.js';
import { findJsonRejection, type JsonValue } from '../../domain/json/json-value.js';
import type { PlanStepProblem, Skill, SkillContext, SkillResult } from '../../domain/ports/skill.js';
import { systemLookup, type AddressLookup } from './address-lookup.js';
import { readBodyCapped } from './capped-body.js';
import type { GuardedResponse } from './guarded-fetch.js';
import { hostDenialIn } from './host-denied-error.js';
import {
  checkResolvedAddresses,
  checkUrlHost,
  effectivePort,
  isAllowedByAgent,
  urlHostname,
} from './host-policy.js';
import { httpCallManifest } from './http-call-manifest.js';
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  HttpCallParamsC,
  isIdempotentMethod,
  MAX_BODY_DEPTH,
  urlProblem,
  type HttpCallParams,
} from './http-call-params.js';
import { classifyHttpStatus } from './http-status-class.js';
import { abortFailure, errorMessage, failure, networkFailure } from './skill-failure.js';

export type { AddressLookup } from './address-lookup.js';
export type { HttpCallParams } from './http-call-params.js';
export { httpCallIdempotentDoc, httpCallParamsDoc, MAX_BODY_DEPTH } from './http-call-params.js';

const isJsonMediaType = (contentType: string | null): boolean => {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return media === 'application/json' || media === 'text/json' || media.endsWith('+json');
};

const TOO_DEEP = Symbol('too deep');

/** The body as JSON when it says it is JSON and is plain JSON (hashable), else as text; TOO_DEEP
 * when it is JSON nested deeper than MAX_BODY_DEPTH (checked before any recursive walk of it). */
const bodyValue = (bytes: Uint8Array, contentType: string | null): JsonValue | typeof TOO_DEEP => {
  const text = new TextDecoder('utf-8').decode(bytes);
  if (!isJsonMediaType(contentType)) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text; // not JSON after all: keep the text
  }
  if (jsonDepthExcess(parsed, MAX_BODY_DEPTH) !== null) return TOO_DEEP;
  return findJsonRejection(parsed) === null ? (parsed as JsonValue) : text;
};

/** Rejects with the signal's reason when it aborts first (DNS lookup cannot be aborted itself). */
const untilAborted = <T>(promise: Promise<T>, signal: AbortSignal): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });

/** An abort is a timeout when a timer fired (ours, or the step's AbortSignal.timeout), else a cancellation. */
const abortedResult = (signal: AbortSignal, timeoutMs: number, ownTimeout: AbortSignal): SkillResult => {
  const message = ownTimeout.aborted
    ? `no complete response within ${timeoutMs} ms`
    : 'the step ran out of time';
  return abortFailure(signal.reason, { message, timeout_ms: timeoutMs });
};

const requestHeaders = (params: HttpCallParams): Record<string, string> => {
  const headers = { ...params.headers };
  const hasContentType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  return params.body !== undefined && !hasContentType
    ? { ...headers, 'content-type': 'application/json' }
    : headers;
};

/** The host policy before connecting: on the literal host, then on every address its name resolves
 * to now, so that a denied host fails without a connection attempt. It decides nothing alone: a
 * name may resolve differently when connecting (DNS rebinding), so the connection checks again
 * (guarded-connector). */
const hostDenial = async (
  url: URL,
  context: SkillContext,
  lookup: AddressLookup,
  signal: AbortSignal,
): Promise<string | null> => {
  const literal = checkUrlHost(url, context.allowedHosts);
  if (!literal.allowed) return literal.reason;
  const hostname = urlHostname(url);
  if (isIP(hostname) !== 0) return null; // an IP literal: checked above, nothing to resolve
  if (isAllowedByAgent(hostname, effectivePort(url), context.allowedHosts)) return null;
  const verdict = checkResolvedAddresses(
    url,
    await untilAborted(lookup(hostname), signal),
    context.allowedHosts,
  );
  return verdict.allowed ? null : verdict.reason;
};

/** The outcome of a response: its body within the cap, its status classified. */
const responseResult = async (
  response: GuardedResponse['response'],
  params: HttpCallParams,
  limit: number,
): Promise<SkillResult> => {
  const contentType = response.headers.get('content-type');
  const bytes = await readBodyCapped(response, limit, params.method !== 'HEAD');
  if (bytes === null) {
    return failure(
      'resource_limit',
      'RESPONSE_TOO_LARGE',
      {
        message: `the response body is larger than ${limit} bytes`,
        status: response.status,
        max_response_bytes: limit,
      },
      false,
    );
  }
  const body = bodyValue(bytes, contentType);
  if (body === TOO_DEEP) {
    return failure(
      'bad_response',
      'RESPONSE_TOO_DEEP',
      {
        message: `the JSON body nests arrays and objects deeper than ${MAX_BODY_DEPTH} levels`,
        status: response.status,
        max_depth: MAX_BODY_DEPTH,
      },
      false,
    );
  }
  const data = { status: response.status, content_type: contentType, body };
  const { category, code, ok, retryable } = classifyHttpStatus(response.status);
  const outcome = { category, code, data };
  return ok
    ? { status: 'succeeded', outcome, cost_cents: 0 }
    : { status: 'failed', outcome, cost_cents: 0, retryable };
};

/** undici and the guarded connector, loaded once on first need: most commands make no HTTP call,
 * and loading it takes tens of milliseconds. A plan with an http_call step starts the load when it
 * is validated, before any step runs, so that a step's time is not spent on it. */
let httpClient: Promise<typeof import('./guarded-fetch.js')> | null = null;
const loadHttpClient = () => (httpClient ??= import('./guarded-fetch.js'));

const call = async (
  params: HttpCallParams,
  context: SkillContext,
  lookup: AddressLookup,
): Promise<SkillResult> => {
  const { guardedFetch } = await loadHttpClient(); // before the timers: no part of a response's time
  const timeoutMs = params.timeout_ms ?? DEFAULT_TIMEOUT_MS;
  const limit = params.max_response_bytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const ownTimeout = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([context.signal, ownTimeout]);
  if (signal.aborted) return abortedResult(signal, timeoutMs, ownTimeout);
  const problem = urlProblem(params.url);
  if (problem !== null) return failure('input_error', 'INVALID_URL', { message: `url ${problem}` }, false);
  const url = new URL(params.url);
  try {
    const denial = await hostDenial(url, context, lookup, signal);
    if (denial !== null) return failure('policy', 'HOST_DENIED', { message: denial }, false);
    const { response, release } = await guardedFetch(
      url,
      {
        method: params.method,
        headers: requestHeaders(params),
        body: params.body === undefined ? undefined : JSON.stringify(params.body),
        redirect: 'manual', // a redirect is reported, not followed: no hop is made
        signal, // aborting it also destroys the connection, mid-request or mid-body
      },
      { lookup, allowedHosts: context.allowedHosts },
    );
    try {
      return await responseResult(response, params, limit);
    } finally {
      release();
    }
  } catch (error) {
    if (signal.aborted) return abortedResult(signal, timeoutMs, ownTimeout);
    const denial = hostDenialIn(error);
    if (denial !== null) return failure('policy', 'HOST_DENIED', { message: denial.reason }, false);
    return networkFailure(error);
  }
};

/** `http_call` with its DNS lookup given (tests resolve names without a DNS server). */
export const createHttpCallSkill = (deps: { readonly lookup: AddressLookup }): Skill<HttpCallParams> => ({
  name: 'http_call',
  version: '1',
  description:
    'HTTP request with a timeout, a response size cap, redirects reported not followed, and a host policy; outcome data {status, content_type, body}',
  manifest: httpCallManifest,
  params: HttpCallParamsC,
  isIdempotent: (params) => isIdempotentMethod(params.method),
  estimateCostCents: () => 0,
  validateInPlan: (params, { allowedHosts }): PlanStepProblem[] => {
    loadHttpClient().catch(() => undefined); // a failed load is reported by the step that needs it
    const problem = urlProblem(params.url);
    if (problem !== null) return [{ field: 'url', message: problem }];
    const verdict = checkUrlHost(new URL(params.url), allowedHosts);
    return verdict.allowed ? [] : [{ field: 'url', message: verdict.reason }];
  },
  execute: async (params, context) => {
    try {
      return await call(params, context, deps.lookup);
    } catch (error) {
      return failure('internal_error', 'INTERNAL_ERROR', { message: errorMessage(error) }, false);
    }
  },
});

/** A real HTTP request through undici's fetch, names resolved by the system resolver. */
export const httpCallSkill: Skill<HttpCallParams> = createHttpCallSkill({ lookup: systemLookup });
