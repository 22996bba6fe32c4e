import * as E from 'fp-ts/lib/Either.js';
import type { JsonValue } from '../json/json-value.js';
import { forEachKey, forEachString, mapStrings } from './json-path.js';

/**
 * Secret references: a string value in a plan template may hold `{{secret:NAME}}`, alone or inside
 * a longer string (`"Bearer {{secret:API_TOKEN}}"`). The reference is what is stored; the value is
 * looked up at execution time and only handed to the skill. Object keys are never templated.
 */
const NAME = '[A-Z][A-Z0-9_]{0,63}';
const REFERENCE = new RegExp(`\\{\\{secret:(${NAME})\\}\\}`, 'g');
/** What a reference was meant to be, once the well-formed ones are taken out. */
const ATTEMPT = /\{\{\s*secret\s*:|\{secret:/i;
/** A reference, optionally `cookie_name=` before it. */
const ITEM = `(?:[A-Za-z0-9_-]{1,64}=)?\\{\\{secret:${NAME}\\}\\}`;
/** An optional auth scheme word (Bearer, Basic, Token, ...), then references and separators. */
const REFERENCE_ONLY = new RegExp(`^(?:[A-Za-z][A-Za-z-]{0,19} +)?${ITEM}(?:(?: *[;,] *| +)?${ITEM})*$`);

/** The environment variable the runner reads a secret from. */
export const secretEnvironmentVariable = (name: string): string => `AOS_SECRET_${name}`;

export type SecretReference = { readonly name: string; readonly path: string };
export type MalformedSecretReference = { readonly path: string; readonly message: string };
/** Never carries a secret value: the name and where it is referenced. */
export type SecretError = { readonly kind: 'secret_not_set'; readonly name: string; readonly path: string };
export type ResolvedSecrets = { readonly resolved: JsonValue; readonly secretValues: readonly string[] };

const namesIn = (text: string): string[] => [...text.matchAll(REFERENCE)].map((match) => match[1] ?? '');

/** True when a string is only references, optionally after a scheme word and as `name=` pairs:
 * `{{secret:T}}`, `Bearer {{secret:T}}`, `session={{secret:S}}; csrf={{secret:C}}`. Such a string
 * names secrets without holding any, so it may be stored under a sensitive key. */
export const isReferenceOnly = (text: string): boolean => REFERENCE_ONLY.test(text);

/** True when a string holds a secret reference or something that looks like an attempt at one:
 * text from outside the template (a run's goal) must not, or it could ask for any secret. */
export const mentionsSecretReference = (text: string): boolean =>
  namesIn(text).length > 0 || ATTEMPT.test(text);

/** Every well-formed reference in the string values, in document order, repeats included. */
export const secretReferencesIn = (value: JsonValue): SecretReference[] => {
  const found: SecretReference[] = [];
  forEachString(value, (text, path) => {
    for (const name of namesIn(text)) found.push({ name, path });
  });
  return found;
};

const USAGE =
  'write {{secret:NAME}}, NAME of upper-case letters, digits and underscores, starting with a letter, at most 64 characters';

/** Why the first attempt in `rest` (well-formed references already blanked) does not parse. */
const malformedReason = (rest: string): string => {
  const start = rest.search(ATTEMPT);
  const attempt = rest.slice(start);
  if (!attempt.startsWith('{{secret:'))
    return 'expected exactly "{{secret:" (two braces, lower-case "secret", no spaces)';
  const name = /^\{\{secret:([^{}]*)\}\}/.exec(attempt)?.[1];
  if (name === undefined) return 'missing the closing "}}"';
  return name === '' ? 'missing the secret name' : 'the secret name is not valid';
};

/** Strings that try to reference a secret and do not parse (lower-case name, missing brace,
 * spaces), and keys that hold a reference (keys are not templated). The messages never quote the
 * text: a mistyped reference may have a secret pasted into it. One problem per string or key. */
export const malformedSecretReferences = (value: JsonValue): MalformedSecretReference[] => {
  const problems: MalformedSecretReference[] = [];
  forEachKey(value, (key, path) => {
    if (mentionsSecretReference(key))
      problems.push({
        path,
        message: 'object keys are not templated: a secret reference only works in a string value',
      });
  });
  forEachString(value, (text, path) => {
    const rest = text.replace(REFERENCE, '\u0000');
    if (ATTEMPT.test(rest))
      problems.push({ path, message: `malformed secret reference: ${malformedReason(rest)}; ${USAGE}` });
  });
  return problems;
};

/** The value with every reference replaced by its secret, and the distinct secret values used (for
 * redacting what comes back). A secret `lookup` gives no value for, or an empty one, is not set:
 * the first such reference in document order is the error. Substitution is one pass, so a secret
 * value that itself looks like a reference is not expanded. */
export const resolveSecretReferences = (
  value: JsonValue,
  lookup: (name: string) => string | undefined,
): E.Either<SecretError, ResolvedSecrets> => {
  const values = new Map<string, string>();
  for (const { name, path } of secretReferencesIn(value)) {
    if (values.has(name)) continue;
    const secret = lookup(name);
    if (secret === undefined || secret === '') return E.left({ kind: 'secret_not_set', name, path });
    values.set(name, secret);
  }
  if (values.size === 0) return E.right({ resolved: value, secretValues: [] });
  const resolved = mapStrings(value, (text) =>
    text.replace(REFERENCE, (_match, name: string) => values.get(name) ?? ''),
  );
  return E.right({ resolved, secretValues: [...new Set(values.values())] });
};
