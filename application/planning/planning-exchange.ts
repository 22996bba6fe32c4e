import * as E from 'fp-ts/lib/Either.js';
import type { ChatCompletion, ChatFailure, ChatMessage } from '../../domain/ports/chat-model.js';
import type { JsonObject, JsonValue } from '../../domain/json/json-value.js';
import { redactJson } from '../../domain/secrets/redaction.js';
import { withoutNul } from '../../domain/json/storable-json.js';
import type { PlanningAttempted } from '../../domain/run/run-events.js';
import type { ModelPlanningDeps } from './model-planning-deps.js';

/** The most tokens a plan's answer may take. */
export const PLAN_MAX_TOKENS = 4096;

/** One request to the model, timed. */
export type Exchange = {
  readonly messages: readonly ChatMessage[];
  readonly responseFormat: PlanningAttempted['response_format'];
  readonly latencyMs: number;
  readonly result: E.Either<ChatFailure, ChatCompletion>;
};

export const exchange = async (
  deps: ModelPlanningDeps,
  messages: readonly ChatMessage[],
  schema: { readonly name: string; readonly schema: JsonObject } | null,
): Promise<Exchange> => {
  const started = deps.clock.monotonicMs();
  const result = await deps.model.complete({
    messages,
    max_tokens: PLAN_MAX_TOKENS,
    temperature: 0,
    ...(schema === null ? {} : { response_schema: { ...schema, strict: false } }),
    signal: AbortSignal.timeout(deps.timeoutMs),
  });
  return {
    messages,
    responseFormat: schema === null ? 'none' : 'json_schema',
    latencyMs: Math.max(0, Math.round(deps.clock.monotonicMs() - started)),
    result,
  };
};

/** The code a failed exchange is recorded with. */
export const failureCode = (failure: ChatFailure): string => {
  switch (failure.kind) {
    case 'http_status':
      return `HTTP_${failure.status}`;
    case 'timeout':
      return 'TIMEOUT';
    case 'cancelled':
      return 'CANCELLED';
    case 'network':
      return failure.code;
    case 'response_too_large':
      return 'RESPONSE_TOO_LARGE';
    case 'bad_response':
      return 'INVALID_RESPONSE';
  }
};

export const failureMessage = (failure: ChatFailure): string => {
  switch (failure.kind) {
    case 'http_status':
      return `the model's endpoint answered HTTP ${failure.status}: ${failure.detail}`;
    case 'response_too_large':
      return `the answer is larger than ${failure.max_bytes} bytes`;
    default:
      return failure.message;
  }
};

/** An endpoint that does not take `response_format: json_schema` says so with a 400 naming it:
 * the next attempt asks without it and extracts the JSON object from the text. */
export const refusesResponseFormat = (failure: ChatFailure): boolean =>
  failure.kind === 'http_status' &&
  failure.status === 400 &&
  /response_format|json_schema/i.test(failure.detail);

/** The attempt as recorded: every string scrubbed of the secret values (a server may echo the key),
 * and without U+0000, which Postgres cannot store (storable-json.ts): an answer holding one changes
 * one character of the record instead of failing the run. */
export const recorded = (attempt: PlanningAttempted, secretValues: readonly string[]): PlanningAttempted =>
  withoutNul(
    redactJson(attempt as unknown as JsonValue, { sensitiveKeys: [] }, secretValues),
  ) as unknown as PlanningAttempted;
