import type { JsonValue } from './json-value.js';

const NUL = '\u0000';
const REPLACEMENT = '\uFFFD';

const containsNul = (value: JsonValue): boolean => {
  if (typeof value === 'string') return value.includes(NUL);
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(containsNul);
  return Object.keys(value).some((key) => key.includes(NUL) || containsNul(value[key] as JsonValue));
};

const replaced = (value: JsonValue): JsonValue => {
  if (typeof value === 'string') return value.includes(NUL) ? value.replaceAll(NUL, REPLACEMENT) : value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(replaced);
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key.includes(NUL) ? key.replaceAll(NUL, REPLACEMENT) : key,
      replaced(inner),
    ]),
  );
};

/**
 * The same JSON with every U+0000 in strings and keys replaced by U+FFFD. Postgres can store
 * U+0000 neither in text nor in jsonb, so the JSON gate refuses it (json-value.ts); what a skill
 * brings back from outside (a response body, a model's answer) goes through here before it is
 * recorded, so such a byte changes one character of the record instead of failing the run.
 * A value without U+0000 (nearly all) is returned as it is, not copied: looking costs no memory,
 * and every span received goes through here.
 */
export const withoutNul = (value: JsonValue): JsonValue => (containsNul(value) ? replaced(value) : value);
