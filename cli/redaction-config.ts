import { parsePatternList, policyWith, type RedactionPolicy } from '../domain/secrets/redaction-policy.js';
import { CliFailure } from './cli-failure.js';
import { ExitCode } from './exit-codes.js';

/** The redaction policy: the defaults plus `AOS_REDACT_KEYS` (comma-separated key patterns). A bad
 * pattern is a usage error before anything runs. */
export const redactionPolicyFromEnv = (env: NodeJS.ProcessEnv): RedactionPolicy => {
  const policy = policyWith(parsePatternList(env.AOS_REDACT_KEYS ?? ''));
  if (policy._tag === 'Left')
    throw new CliFailure(
      ExitCode.usage,
      'invalid_input',
      `${policy.left.field}: ${policy.left.message}`,
      policy.left.field,
    );
  return policy.right;
};
