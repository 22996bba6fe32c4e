import type { ChatCompletion, ChatUsage } from '../../domain/ports/chat-model.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A lone surrogate (valid in JSON text, not in a hashed outcome) becomes U+FFFD. */
const wellFormed = (text: string): string => text.replace(LONE_SURROGATE, '\uFFFD');

const field = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;

const tokenCount = (value: unknown): number | null =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;

const usageOf = (value: unknown): ChatUsage | null => {
  const prompt = tokenCount(field(value, 'prompt_tokens'));
  const completion = tokenCount(field(value, 'completion_tokens'));
  if (prompt === null || completion === null) return null;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: tokenCount(field(value, 'total_tokens')) ?? prompt + completion,
  };
};

/** The first choice of an OpenAI-compatible chat completion, or why the body is not one. */
export const parseCompletion = (bytes: Uint8Array, configuredModel: string): ChatCompletion | string => {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8').decode(bytes));
  } catch {
    return 'the response is not JSON';
  }
  const choices = field(body, 'choices');
  const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
  const message = field(first, 'message');
  const content = field(message, 'content');
  if (typeof content !== 'string' && content !== null)
    return 'the response has no choices[0].message.content';
  const finish = field(first, 'finish_reason');
  const model = field(body, 'model');
  return {
    content: wellFormed(content ?? ''),
    finish_reason: typeof finish === 'string' ? wellFormed(finish) : null,
    usage: usageOf(field(body, 'usage')),
    model: typeof model === 'string' ? wellFormed(model) : configuredModel,
  };
};

const MAX_ERROR_TEXT = 2000;

/** What a failed response says: `error.message` (OpenAI's shape), `error` as a string, or the text; truncated. */
export const errorText = (bytes: Uint8Array): string => {
  const text = new TextDecoder('utf-8').decode(bytes);
  let message: unknown = text;
  try {
    const body: unknown = JSON.parse(text);
    const error = field(body, 'error');
    message = typeof error === 'string' ? error : (field(error, 'message') ?? text);
  } catch {
    // not JSON: keep the text
  }
  const plain = typeof message === 'string' ? message : text;
  return wellFormed(plain.length > MAX_ERROR_TEXT ? `${plain.slice(0, MAX_ERROR_TEXT)}…` : plain);
};
