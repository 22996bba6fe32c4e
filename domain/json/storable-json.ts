import type { JsonValue } from './json-value.js';

const NUL = '\u0000';
const REPLACEMENT = '\uFFFD';

/**
 * The same JSON with every U+0000 in strings and keys replaced by U+FFFD. Postgres can store
 * U+0000 neither in text nor in jsonb, so the JSON gate refuses it (json-value.ts); what a skill
 * brings back from outside (a response body, a model's answer) goes through here before it is
 * recorded, so such a byte changes one character of the record instead of failing the run.
 */
export const withoutNul = (value: JsonValue): JsonValue => {
  if (typeof value === 'string') return value.includes(NUL) ? value.replaceAll(NUL, REPLACEMENT) : value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(withoutNul);
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key.includes(NUL) ? key.replaceAll(NUL, REPLACEMENT) : key,
      withoutNul(inner),
    ]),
  );
};
