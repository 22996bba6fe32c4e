import type { JsonValue } from '../json/json-value.js';
import { childPath } from './json-path.js';
import { sensitiveKeyMatcher, type RedactionPolicy } from './redaction-policy.js';
import { isReferenceOnly } from './secret-reference.js';

export type LiteralCredentialProblem = { readonly field: string; readonly message: string };

export const LITERAL_CREDENTIAL_MESSAGE =
  'a literal credential would be stored in the ledger; use {{secret:NAME}} (the value comes from the environment variable AOS_SECRET_NAME at execution)';

/**
 * Credentials written into an agent's plan template, which is stored as is (the agent's events, then
 * every run's plan). Under a key the policy calls sensitive, and anywhere inside such a value:
 * - a string must be empty or only secret references (after an optional scheme word such as
 *   Bearer, Basic, Token; see isReferenceOnly);
 * - a number is a literal credential too (a PIN);
 * - null and booleans hold nothing and are fine.
 * `field` is `basePath` (e.g. `plan_template.steps[0].params`) followed by the path to the value.
 */
export const literalCredentialProblems = (
  template: JsonValue,
  policy: RedactionPolicy,
  basePath: string,
): LiteralCredentialProblem[] => {
  const sensitive = sensitiveKeyMatcher(policy);
  const problems: LiteralCredentialProblem[] = [];
  const checkSensitive = (value: JsonValue, path: string): void => {
    if (typeof value === 'string') {
      if (value !== '' && !isReferenceOnly(value))
        problems.push({ field: path, message: LITERAL_CREDENTIAL_MESSAGE });
    } else if (typeof value === 'number') {
      problems.push({ field: path, message: LITERAL_CREDENTIAL_MESSAGE });
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => checkSensitive(item, childPath(path, i)));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) checkSensitive(item, childPath(path, key));
    }
  };
  const walk = (value: JsonValue, path: string): void => {
    if (Array.isArray(value)) return value.forEach((item, i) => walk(item, childPath(path, i)));
    if (value === null || typeof value !== 'object') return;
    for (const [key, item] of Object.entries(value)) {
      if (sensitive(key)) checkSensitive(item, childPath(path, key));
      else walk(item, childPath(path, key));
    }
  };
  walk(template, basePath);
  return problems;
};
