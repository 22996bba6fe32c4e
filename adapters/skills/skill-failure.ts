import type { JsonObject } from '../../domain/json/json-value.js';
import type { SkillResult } from '../../domain/ports/skill.js';
import { classifyNetworkError } from './network-error-class.js';

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
export const isTimeoutReason = (reason: unknown): boolean =>
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

/** A call that failed below HTTP: category network_error, code from the error, retryable when transient. */
export const networkFailure = (error: unknown): SkillResult => {
  const { code, retryable } = classifyNetworkError(error);
  return failure('network_error', code, { message: errorMessage(error) }, retryable);
};
