import type { JsonObject } from '../../domain/json/json-value.js';
import type { SkillResult } from '../../domain/ports/skill.js';

/** A failed step: nothing was charged, and `retryable` always says whether the same call may
 * succeed if made again (the runner retries only those). */
export const failure = (
  category: string,
  code: string,
  data: JsonObject,
  retryable: boolean,
): SkillResult => ({
  status: 'failed',
  outcome: { category, code, data },
  cost_cents: 0,
  retryable,
});

export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** Aborted by a timer (the step's AbortSignal.timeout, or a skill's own), not by a cancellation. */
const isTimeoutReason = (reason: unknown): boolean =>
  reason instanceof DOMException && reason.name === 'TimeoutError';

/** An aborted call: a timeout may pass on a second try (retryable); a cancelled run must not go on. */
export const abortFailure = (reason: unknown, timeoutData: JsonObject): SkillResult =>
  isTimeoutReason(reason)
    ? failure('timeout', 'TIMEOUT', timeoutData, true)
    : failure(
        'cancelled',
        'CANCELLED',
        { message: `the step was cancelled: ${errorMessage(reason)}` },
        false,
      );

/** Connection-level failures that say nothing about the request itself: the peer was down,
 * restarting or overloaded, or the path to it flapped. Not in here, so not retried: a name that
 * does not exist (ENOTFOUND), TLS and certificate errors, malformed requests. */
const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET', // undici's "other side closed": a socket hang up
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

const NETWORK_CODE = /^[A-Z][A-Z0-9_]*$/;

/** ECONNREFUSED, ENOTFOUND, UND_ERR_SOCKET...: from the error, its cause, or the cause's first error. */
const networkCode = (error: unknown): string => {
  const codeOf = (value: unknown): string | null => {
    const code = typeof value === 'object' && value !== null && 'code' in value ? value.code : undefined;
    return typeof code === 'string' && NETWORK_CODE.test(code) ? code : null;
  };
  const cause = typeof error === 'object' && error !== null && 'cause' in error ? error.cause : undefined;
  const inner =
    typeof cause === 'object' && cause !== null && 'errors' in cause && Array.isArray(cause.errors)
      ? (cause.errors as unknown[])[0]
      : undefined;
  return codeOf(error) ?? codeOf(cause) ?? codeOf(inner) ?? 'NETWORK_ERROR';
};

/** A call that failed below HTTP: category network_error, code from the error, retryable when transient. */
export const networkFailure = (error: unknown): SkillResult => {
  const code = networkCode(error);
  return failure('network_error', code, { message: errorMessage(error) }, TRANSIENT_NETWORK_CODES.has(code));
};
