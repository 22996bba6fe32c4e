import type { ChatFailure } from '../../domain/ports/chat-model.js';
import { classifyHttpStatus } from '../skills/http-status-class.js';
import { classifyNetworkError } from '../skills/network-error-class.js';
import { errorMessage, isTimeoutReason } from '../skills/skill-failure.js';
import { ResponseTooLargeError, type Exchange } from './capped-fetch.js';
import { errorText } from './chat-completion-body.js';
import type { OpenAiSdk } from './openai-sdk.js';

/** The caller's signal aborted: by a timer (DOMException TimeoutError) or for another reason. */
const abortedBy = (reason: unknown): ChatFailure =>
  isTimeoutReason(reason)
    ? { kind: 'timeout', message: `the request timed out: ${errorMessage(reason)}`, retryable: true }
    : { kind: 'cancelled', message: `the request was cancelled: ${errorMessage(reason)}`, retryable: false };

const isAbortError = (error: unknown): boolean => error instanceof Error && error.name === 'AbortError';

/** Below HTTP: the body over the cap, the client's own timer (the caller's signal had not
 * aborted), or the network, retryable when transient (the skills' rules). */
const transportFailure = (error: unknown, timeoutMs: number): ChatFailure => {
  if (error instanceof ResponseTooLargeError)
    return { kind: 'response_too_large', status: error.status, max_bytes: error.maxBytes, retryable: false };
  if (isAbortError(error))
    return { kind: 'timeout', message: `no response within ${timeoutMs} ms`, retryable: true };
  const { code, retryable } = classifyNetworkError(error);
  return { kind: 'network', code, message: errorMessage(error), retryable };
};

/** 408, 429 and 5xx retryable; a 3xx is a redirect that was not followed. */
const statusFailure = (status: number, body: Uint8Array | null, fallback: string): ChatFailure => ({
  kind: 'http_status',
  status,
  detail: body === null ? fallback : errorText(body),
  retryable: classifyHttpStatus(status).retryable,
});

export type AttemptContext = {
  readonly exchange: Exchange;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
};

/** What the `openai` package threw, as a ChatFailure; anything else is a defect and is rethrown.
 * APIConnectionTimeoutError is a connection error too: the package gives it to its own timer and
 * to any transport error whose text says "timed out", which the exchange tells apart. */
export const chatFailureOf = (sdk: OpenAiSdk, thrown: unknown, attempt: AttemptContext): ChatFailure => {
  if (thrown instanceof sdk.APIUserAbortError) return abortedBy(attempt.signal.reason);
  if (thrown instanceof sdk.APIConnectionError)
    return transportFailure(attempt.exchange.error ?? thrown.cause ?? thrown, attempt.timeoutMs);
  if (thrown instanceof sdk.APIError && typeof thrown.status === 'number')
    return statusFailure(thrown.status, attempt.exchange.body, thrown.message);
  throw thrown;
};
