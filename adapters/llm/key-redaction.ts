import type { ChatCompletion, ChatFailure } from '../../domain/ports/chat-model.js';

const REDACTED = '[redacted]';

/** Every occurrence of each key replaced (empty keys are ignored). */
const redactText = (text: string, keys: readonly string[]): string =>
  keys.reduce((current, key) => (key === '' ? current : current.split(key).join(REDACTED)), text);

/** The string fields of a failure or a completion with the keys redacted: a server may echo the
 * key it was sent, in an error or in an answer. */
export const withoutKeys = <T extends ChatFailure | ChatCompletion>(value: T, keys: readonly string[]): T =>
  Object.fromEntries(
    Object.entries(value).map(([name, field]) => [
      name,
      typeof field === 'string' ? redactText(field, keys) : field,
    ]),
  ) as T;
