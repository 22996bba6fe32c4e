import * as E from 'fp-ts/lib/Either.js';

/** Which object keys hold credentials: case-insensitive glob patterns (`*` any run of
 * characters, everything else literal) matched against the whole key. */
export type RedactionPolicy = { readonly sensitiveKeys: readonly string[] };

export type RedactionPolicyError = {
  readonly kind: 'invalid_redaction_pattern';
  readonly field: string;
  readonly message: string;
};

/**
 * Header and field names that carry credentials. Token names are matched by suffix (`*token`:
 * token, access_token, X-Auth-Token, refreshToken) rather than `*token*`, which would also redact
 * LLM params and usage (`max_tokens`, `prompt_tokens`, `token_type`); add `*token*` with
 * AOS_REDACT_KEYS to be stricter.
 */
const DEFAULT_SENSITIVE_KEYS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  '*-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  '*token',
  '*secret*',
  '*password*',
  '*passwd*',
  '*api_key*',
  '*api-key*',
  '*apikey*',
  '*private_key*',
  '*private-key*',
  '*credential*',
];

export const defaultRedactionPolicy: RedactionPolicy = { sensitiveKeys: DEFAULT_SENSITIVE_KEYS };

const PATTERN = /^[A-Za-z0-9_*.-]+$/;

/** Comma-separated patterns, each trimmed; blank text gives none. */
export const parsePatternList = (text: string): string[] =>
  text.trim() === '' ? [] : text.split(',').map((entry) => entry.trim());

const patternProblem = (pattern: string, position: number): string | null =>
  pattern === ''
    ? `entry ${position} is empty`
    : PATTERN.test(pattern)
      ? null
      : `entry ${position} (${JSON.stringify(pattern.slice(0, 80))}) may only hold letters, digits, "_", "-", "." and "*"`;

/** `base` (the default policy unless given) with more patterns; every pattern non-empty and made
 * of [A-Za-z0-9_*.-]. `field` names where the patterns came from, for the error. */
export const policyWith = (
  extra: readonly string[],
  field = 'AOS_REDACT_KEYS',
  base: RedactionPolicy = defaultRedactionPolicy,
): E.Either<RedactionPolicyError, RedactionPolicy> => {
  const problems = extra
    .map((pattern, i) => patternProblem(pattern, i + 1))
    .filter((problem): problem is string => problem !== null);
  if (problems.length > 0) {
    return E.left({
      kind: 'invalid_redaction_pattern',
      field,
      message: `${problems.join('; ')} (expected comma-separated key patterns such as x-session,*_pin)`,
    });
  }
  const sensitiveKeys = [
    ...new Set([...base.sensitiveKeys, ...extra.map((pattern) => pattern.toLowerCase())]),
  ];
  return E.right({ sensitiveKeys });
};

const globSource = (pattern: string): string =>
  pattern
    .toLowerCase()
    .split('*')
    .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');

const matchers = new WeakMap<RedactionPolicy, (key: string) => boolean>();

/** The answers a matcher remembers, for keys no longer than REMEMBERED_KEY_LENGTH: bounded, since
 * keys come from outside (every attribute of every span received). */
const REMEMBERED_KEYS = 4096;
const REMEMBERED_KEY_LENGTH = 256;

/** `test` with its answers remembered per key (the same few keys come back span after span: the
 * GenAI attributes), within the bounds above; past them, `test` itself. */
const remembering = (test: (key: string) => boolean): ((key: string) => boolean) => {
  const answers = new Map<string, boolean>();
  return (key) => {
    const known = answers.get(key);
    if (known !== undefined) return known;
    const answer = test(key);
    if (answers.size < REMEMBERED_KEYS && key.length <= REMEMBERED_KEY_LENGTH) answers.set(key, answer);
    return answer;
  };
};

/** Whether a key matches one of the policy's patterns (compared lower-case, whole key). Built once
 * per policy: redaction runs on every step's params and outcome, and on every span received. */
export const sensitiveKeyMatcher = (policy: RedactionPolicy): ((key: string) => boolean) => {
  const known = matchers.get(policy);
  if (known) return known;
  const matcher =
    policy.sensitiveKeys.length === 0
      ? null
      : new RegExp(`^(?:${policy.sensitiveKeys.map(globSource).join('|')})$`, 's');
  const matches =
    matcher === null ? () => false : remembering((key: string) => matcher.test(key.toLowerCase()));
  matchers.set(policy, matches);
  return matches;
};
