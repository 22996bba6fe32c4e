import { pipe } from 'fp-ts/lib/function.js';
import { readFileSafely } from '../adapters/files/safe-files.js';
import { parseWitnessPolicy, type WitnessPolicy } from '../domain/witness/witness-policy.js';
import { orThrow, usageError } from './cli-failure.js';
import { describeFileRefusal } from './file-refusal-messages.js';

/** `--witness-policy FILE`: the witnesses a verifier trusts and the quorum a tree head needs; a
 * file that cannot be read or is not a policy is a usage error (exit 2) naming the line. */
export const readWitnessPolicyFile = (path: string): WitnessPolicy => {
  const bytes = pipe(
    readFileSafely(path, { followLinks: true, access: 'anyone', maxBytes: 1024 * 1024 }),
    orThrow((refusal) =>
      usageError('witness-policy', `cannot read ${path}: it ${describeFileRefusal(refusal)}`),
    ),
  );
  return pipe(
    parseWitnessPolicy(bytes.toString('utf8')),
    orThrow((problem) => usageError('witness-policy', `${path}: ${problem}`)),
  );
};
