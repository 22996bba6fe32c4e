import { pipe } from 'fp-ts/lib/function.js';
import { readFileSafely } from '../adapters/files/safe-files.js';
import {
  classifyVerifyInput,
  DEFAULT_VERIFY_MAX_BYTES,
  type VerifyInput,
} from '../domain/bundle/verify-input.js';
import { intBetween } from '../domain/json/bounded-codecs.js';
import { orThrow, usageError } from './cli-failure.js';
import { describeFileRefusal } from './file-refusal-messages.js';
import { decodeIntegerOption } from './input-validation.js';

/** The file `aos verify` was given, read only when it is a regular file within the size limit
 * (checked from its size, before reading), and told apart as a bundle or a tree head. Anything
 * else is a usage error (exit 2) naming what it found. */
export const readVerifyInput = (file: string, maxBytesOption: string | undefined): VerifyInput => {
  const maxBytes =
    maxBytesOption === undefined
      ? DEFAULT_VERIFY_MAX_BYTES
      : decodeIntegerOption(intBetween(1, Number.MAX_SAFE_INTEGER), 'max-bytes', maxBytesOption);
  const bytes = pipe(
    readFileSafely(file, { followLinks: true, access: 'anyone', maxBytes }),
    orThrow((refusal) =>
      usageError(
        'file',
        refusal.kind === 'too_large'
          ? `${file} is ${refusal.size} bytes, over the limit of ${refusal.limit} bytes that aos verify reads; --max-bytes raises it (the bundle of a run of a million steps is some 600 MB)`
          : `cannot read ${file}: it ${describeFileRefusal(refusal)}`,
      ),
    ),
  );
  return pipe(
    classifyVerifyInput(bytes),
    orThrow((problem) =>
      usageError(
        'file',
        problem.kind === 'too_long_for_text'
          ? `${file} is ${problem.bytes} bytes, more text than Node.js holds in one string: it cannot be verified here`
          : `${file} is neither a bundle nor a tree head (invalid JSON at byte ${problem.invalid_json_at ?? '?'})`,
      ),
    ),
  );
};
