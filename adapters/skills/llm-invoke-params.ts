import * as t from 'io-ts';
import { intBetween, patternString, stringUpTo } from '../../domain/json/bounded-codecs.js';
import { closedObject } from '../../domain/json/closed-object.js';

export const DEFAULT_MAX_TOKENS = 1024;
export const MAX_MESSAGES = 100;
export const MAX_CONTENT = 100_000;
export const MAX_MAX_TOKENS = 32_768;
const MAX_API_KEY = 4096;

export const RoleC = t.keyof({ system: null, user: null, assistant: null }, 'system | user | assistant');

const ContentC = stringUpTo('MessageContent', MAX_CONTENT);

const MessageC = closedObject('ChatMessage', { role: RoleC, content: ContentC });
export type ChatMessage = t.TypeOf<typeof MessageC>;

const MessagesArrayC = t.array(MessageC);

const MessagesC = new t.Type<ChatMessage[], t.OutputOf<typeof MessagesArrayC>, unknown>(
  'ChatMessages',
  (u): u is ChatMessage[] => MessagesArrayC.is(u) && u.length >= 1 && u.length <= MAX_MESSAGES,
  (u, c) => {
    if (Array.isArray(u) && (u.length < 1 || u.length > MAX_MESSAGES))
      return t.failure(u, c, `expected 1 to ${MAX_MESSAGES} messages (got ${u.length})`);
    return MessagesArrayC.validate(u, c);
  },
  (messages) => MessagesArrayC.encode(messages),
);

const TemperatureC = new t.Type<number, number, unknown>(
  'Temperature',
  (u): u is number => typeof u === 'number' && Number.isFinite(u) && u >= 0 && u <= 2,
  (u, c) =>
    typeof u === 'number' && Number.isFinite(u) && u >= 0 && u <= 2
      ? t.success(u)
      : t.failure(u, c, 'expected a number from 0 to 2'),
  t.identity,
);

/** Printable ASCII only: it becomes a header value. */
export const API_KEY_PATTERN = new RegExp(`^[\\x20-\\x7e]{1,${MAX_API_KEY}}$`);

const ApiKeyC = patternString(
  'ApiKey',
  API_KEY_PATTERN,
  `expected 1 to ${MAX_API_KEY} printable ASCII characters, normally a secret reference {{secret:NAME}}`,
);

export const LlmInvokeParamsC = closedObject(
  'LlmInvokeParams',
  { messages: MessagesC },
  { max_tokens: intBetween(1, MAX_MAX_TOKENS), temperature: TemperatureC, api_key: ApiKeyC },
);
export type LlmInvokeParams = t.TypeOf<typeof LlmInvokeParamsC>;

export const llmInvokeParamsDoc = {
  messages: `1..${MAX_MESSAGES} of {role: system | user | assistant, content: string of at most ${MAX_CONTENT} characters}`,
  max_tokens: `optional integer 1..${MAX_MAX_TOKENS}, default ${DEFAULT_MAX_TOKENS}: always sent, it bounds the declared cost`,
  temperature: "optional number 0..2 (the server's default when absent)",
  api_key:
    'optional; a secret reference {{secret:NAME}} that the runner resolves before the call, sent as Authorization: Bearer; never in the outcome. No key is read from the environment',
};

/** Without side effects, so a step in flight when its process died runs again on resume; the
 * price of that is a second charge for the tokens. */
export const llmInvokeIdempotentDoc = 'always (no side effects; a re-run is charged again)';
