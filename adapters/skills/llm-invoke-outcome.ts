import type { ChatFailure } from '../../domain/ports/chat-model.js';
import type { SkillResult } from '../../domain/ports/skill.js';
import { classifyHttpStatus } from './http-status-class.js';
import { abortFailure, failure } from './skill-failure.js';

/** The step's signal aborted: the same outcome as every other skill's. */
const abortedStep = (signal: AbortSignal): SkillResult =>
  abortFailure(signal.reason, { message: 'the step ran out of time' });

/** A failed completion as llm_invoke's outcome: the categories and codes of http_call (HTTP_<status>,
 * TIMEOUT, CANCELLED, the network code), RESPONSE_TOO_LARGE and INVALID_RESPONSE. */
export const llmFailureOutcome = (chat: ChatFailure, signal: AbortSignal): SkillResult => {
  switch (chat.kind) {
    case 'http_status': {
      const status = classifyHttpStatus(chat.status);
      return failure(
        status.category,
        status.code,
        { status: chat.status, error: chat.detail },
        chat.retryable,
      );
    }
    case 'timeout':
      return signal.aborted
        ? abortedStep(signal)
        : failure('timeout', 'TIMEOUT', { message: chat.message }, true);
    case 'cancelled':
      return signal.aborted
        ? abortedStep(signal)
        : failure('cancelled', 'CANCELLED', { message: chat.message }, false);
    case 'network':
      return failure('network_error', chat.code, { message: chat.message }, chat.retryable);
    case 'response_too_large':
      return failure(
        'resource_limit',
        'RESPONSE_TOO_LARGE',
        {
          message: `the response body is larger than ${chat.max_bytes} bytes`,
          status: chat.status,
          max_response_bytes: chat.max_bytes,
        },
        false,
      );
    case 'bad_response':
      return failure(
        'bad_response',
        'INVALID_RESPONSE',
        { message: chat.message, status: chat.status },
        false,
      );
  }
};
