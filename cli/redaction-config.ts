import { pipe } from 'fp-ts/lib/function.js';
import { parsePatternList, policyWith, type RedactionPolicy } from '../domain/secrets/redaction-policy.js';
import { CliFailure, orThrow } from './cli-failure.js';
import { ExitCode } from './exit-codes.js';

/** The redaction policy: the defaults plus `AOS_REDACT_KEYS` (comma-separated key patterns). A bad
 * pattern is a usage error before anything runs. */
export const redactionPolicyFromEnv = (env: NodeJS.ProcessEnv): RedactionPolicy => {
  return pipe(
    policyWith(parsePatternList(env.AOS_REDACT_KEYS ?? '')),
    orThrow(
      (problem) =>
        new CliFailure(
          ExitCode.usage,
          'invalid_input',
          `${problem.field}: ${problem.message}`,
          problem.field,
        ),
    ),
  );
};
