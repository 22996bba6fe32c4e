import type { JsonValue } from '../json/json-value.js';
import { sensitiveKeyMatcher, type RedactionPolicy } from './redaction-policy.js';
import { encodedSecretPattern } from './encoded-secret-pattern.js';
import { isReferenceOnly } from './secret-reference.js';

export const REDACTED = '[REDACTED]';

/**
 * Secret values shorter than this are not scrubbed out of text: a 1 to 3 character secret ("a",
 * "42", "yes") occurs in ordinary text so often that replacing every occurrence would shred
 * outcomes (and tell a reader where the secret is not). Such secrets are still redacted wherever
 * they sit under a sensitive key.
 */
export const MIN_SCRUBBED_SECRET_LENGTH = 4;

/** A function replacing every occurrence of the secret values (each at least
 * MIN_SCRUBBED_SECRET_LENGTH long) by REDACTED, in any form they take in text that came back (as
 * is, percent-encoded by any encoder, JSON-escaped, or a mix: encoded-secret-pattern.ts). Longest
 * first, so that of two overlapping secrets the longer one is replaced whole. */
const secretScrubber = (secretValues: readonly string[]): ((text: string) => string) => {
  const secrets = [...new Set(secretValues.filter((s) => s.length >= MIN_SCRUBBED_SECRET_LENGTH))].sort(
    (a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0),
  );
  if (secrets.length === 0) return (text) => text;
  const pattern = new RegExp(secrets.map(encodedSecretPattern).join('|'), 'g');
  return (text) => text.replace(pattern, () => REDACTED);
};

/** A string with the secret values in it replaced by REDACTED (error messages, log lines). */
export const scrubSecretValues = (text: string, secretValues: readonly string[]): string =>
  secretScrubber(secretValues)(text);

/**
 * A copy of `value` safe to store:
 * - a value under a key the policy calls sensitive becomes REDACTED whatever its type, unless it
 *   names secrets without holding any (`"Bearer {{secret:T}}"`, see isReferenceOnly) or holds
 *   nothing (`""`, null);
 * - everywhere else, each occurrence of a secret value in a string becomes REDACTED (a server
 *   echoing the Authorization header, a token in a URL query), and a number whose JSON text holds
 *   one becomes REDACTED.
 * Object keys are kept as they are. Deterministic; does not mutate `value`.
 */
export const redactJson = (
  value: JsonValue,
  policy: RedactionPolicy,
  secretValues: readonly string[],
): JsonValue => {
  const sensitive = sensitiveKeyMatcher(policy);
  const scrub = secretScrubber(secretValues);
  // With no secret long enough to scrub, scrub changes nothing: a number's JSON text need not be made.
  const scrubbing = secretValues.some((secret) => secret.length >= MIN_SCRUBBED_SECRET_LENGTH);
  const underSensitiveKey = (item: JsonValue): JsonValue =>
    item === null || item === ''
      ? item
      : typeof item === 'string' && isReferenceOnly(item)
        ? scrub(item)
        : REDACTED;
  const walk = (item: JsonValue): JsonValue => {
    if (typeof item === 'string') return scrub(item);
    if (typeof item === 'number') {
      if (!scrubbing) return item;
      const text = JSON.stringify(item);
      return scrub(text) === text ? item : REDACTED;
    }
    if (item === null || typeof item === 'boolean') return item;
    if (Array.isArray(item)) return item.map(walk);
    return Object.fromEntries(
      Object.entries(item).map(([key, inner]) => [
        key,
        sensitive(key) ? underSensitiveKey(inner) : walk(inner),
      ]),
    );
  };
  return walk(value);
};
