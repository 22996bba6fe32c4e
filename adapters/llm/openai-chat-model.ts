import * as E from 'fp-ts/lib/Either.js';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { ChatCompletion, ChatFailure, ChatModel, ChatRequest } from '../../domain/ports/chat-model.js';
import { cappedFetch, newExchange, type Exchange } from './capped-fetch.js';
import { parseCompletion } from './chat-completion-body.js';
import { chatFailureOf } from './chat-failure-of.js';
import { withoutKeys } from './key-redaction.js';
import { loadOpenAiSdk, type OpenAiSdk } from './openai-sdk.js';

export type OpenAiChatModelOptions = {
  /** e.g. http://127.0.0.1:8080/v1; requests go to `${baseUrl}/chat/completions`. */
  readonly baseUrl: string;
  readonly model: string;
  /** Sent as `Authorization: Bearer` when a request brings no key of its own. */
  readonly apiKey?: string;
  /** A larger response body is a `response_too_large` failure. Default 1 MiB. */
  readonly maxResponseBytes?: number;
  /** The package's own limit per request; the caller's signal may end it sooner. Default 600000. */
  readonly timeoutMs?: number;
};

const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 600_000;

/** The package refuses to build a client without a key; this one is never sent, since every
 * request sets its Authorization header or removes it. */
const PLACEHOLDER_KEY = 'unused';

const present = (key: string | undefined): key is string => key !== undefined && key !== '';

const requestBody = (request: ChatRequest, model: string): ChatCompletionCreateParamsNonStreaming => ({
  model,
  messages: request.messages.map(({ role, content }) => ({ role, content })),
  ...(request.max_tokens === undefined ? {} : { max_tokens: request.max_tokens }),
  ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  ...(request.response_schema === undefined
    ? {}
    : {
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: request.response_schema.name,
            schema: request.response_schema.schema,
            strict: request.response_schema.strict,
          },
        },
      }),
});

/** One client per call, for its exchange. Every option that the package would otherwise read from
 * OPENAI_* variables is given; maxRetries 0: each attempt is the caller's to make and record. */
const clientFor = (sdk: OpenAiSdk, options: OpenAiChatModelOptions, exchange: Exchange) =>
  new sdk.OpenAI({
    baseURL: options.baseUrl,
    apiKey: PLACEHOLDER_KEY,
    adminAPIKey: null,
    organization: null,
    project: null,
    webhookSecret: null,
    maxRetries: 0,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    fetch: cappedFetch(options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, exchange),
    logLevel: 'off',
  });

const completeOnce = async (
  options: OpenAiChatModelOptions,
  request: ChatRequest,
): Promise<E.Either<ChatFailure, ChatCompletion>> => {
  const sdk = await loadOpenAiSdk();
  const exchange = newExchange();
  const key = [request.api_key, options.apiKey].find(present);
  try {
    const response = await clientFor(sdk, options, exchange)
      .chat.completions.create(requestBody(request, options.model), {
        signal: request.signal,
        headers: { Authorization: key === undefined ? null : `Bearer ${key}` },
      })
      .asResponse();
    const parsed = parseCompletion(new Uint8Array(await response.arrayBuffer()), options.model);
    return typeof parsed === 'string'
      ? E.left({ kind: 'bad_response', status: response.status, message: parsed, retryable: false })
      : E.right(parsed);
  } catch (error) {
    return E.left(
      chatFailureOf(sdk, error, {
        exchange,
        signal: request.signal,
        timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      }),
    );
  }
};

/** A ChatModel over the official `openai` package, against any OpenAI-compatible endpoint: one
 * request per call (no retry of its own), no redirect followed, the body capped, no
 * Authorization header without a key, and neither the request's key nor the client's in what it
 * returns. */
export const openAiChatModel = (options: OpenAiChatModelOptions): ChatModel => ({
  model: options.model,
  complete: async (request) => {
    const keys = [request.api_key, options.apiKey].filter(present);
    return E.bimap(
      (failure: ChatFailure) => withoutKeys(failure, keys),
      (completion: ChatCompletion) => withoutKeys(completion, keys),
    )(await completeOnce(options, request));
  },
});
