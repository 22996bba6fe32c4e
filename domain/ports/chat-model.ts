import type * as E from 'fp-ts/lib/Either.js';
import type { JsonObject } from '../json/json-value.js';

export type ChatRole = 'system' | 'user' | 'assistant';

export type ChatMessage = { readonly role: ChatRole; readonly content: string };

export type ChatRequest = {
  readonly messages: readonly ChatMessage[];
  readonly max_tokens?: number;
  readonly temperature?: number;
  /** Asks for an answer following this JSON Schema (`response_format: {type: "json_schema"}`). */
  readonly response_schema?: {
    readonly name: string;
    readonly schema: JsonObject;
    /** OpenAI's strict mode: every object closed and every property required, which a schema
     * with free-form parts (a plan's params) cannot be. */
    readonly strict: boolean;
  };
  /** Sent as `Authorization: Bearer`; absent: the client's own key, if it has one. Never recorded. */
  readonly api_key?: string;
  /** Aborted when the caller's time is up or it is cancelled (the reason tells which). */
  readonly signal: AbortSignal;
};

export type ChatUsage = {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
};

/** The first choice of an OpenAI-compatible chat completion. */
export type ChatCompletion = {
  readonly content: string;
  readonly finish_reason: string | null;
  /** Null when the server did not report it. */
  readonly usage: ChatUsage | null;
  /** The model the server says answered (the configured one when it does not say). */
  readonly model: string;
};

/** Why no completion came. `retryable`: the same request may succeed if made again (429, 5xx,
 * 408, a timeout, a connection that dropped). No failure (nor completion) carries the API key. */
export type ChatFailure =
  | {
      readonly kind: 'http_status';
      readonly status: number;
      /** The server's `error.message`, or its text, truncated. */
      readonly detail: string;
      readonly retryable: boolean;
    }
  /** The caller's signal aborted by a timer. */
  | { readonly kind: 'timeout'; readonly message: string; readonly retryable: true }
  /** The caller's signal aborted for another reason (a cancelled run). */
  | { readonly kind: 'cancelled'; readonly message: string; readonly retryable: false }
  | { readonly kind: 'network'; readonly code: string; readonly message: string; readonly retryable: boolean }
  /** The body grew past the cap; `status` is the response's, whatever it was. */
  | {
      readonly kind: 'response_too_large';
      readonly status: number;
      readonly max_bytes: number;
      readonly retryable: false;
    }
  | {
      readonly kind: 'bad_response';
      readonly status: number;
      readonly message: string;
      readonly retryable: false;
    };

/** One OpenAI-compatible chat completion endpoint (AOS_LLM_BASE_URL, AOS_LLM_MODEL): the planner
 * and the llm_invoke skill both call it. */
export interface ChatModel {
  /** The configured model name, sent with every request. */
  readonly model: string;
  complete(request: ChatRequest): Promise<E.Either<ChatFailure, ChatCompletion>>;
}
