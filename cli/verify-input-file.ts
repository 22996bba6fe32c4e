import { pipe } from 'fp-ts/lib/function.js';
import { readFileSafely } from '../adapters/files/safe-files.js';
import type { FileRefusal } from '../domain/ports/file-refusal.js';
import {
  classifyVerifyInput,
  DEFAULT_VERIFY_MAX_BYTES,
  type VerifyInput,
} from '../domain/bundle/verify-input.js';
import { intBetween } from '../domain/json/bounded-codecs.js';
import { orThrow, usageError } from './cli-failure.js';
import { describeFileRefusal } from './file-refusal-messages.js';
import { decodeIntegerOption } from './input-validation.js';

/** `--max-bytes`, or the default limit. */
export const verifyMaxBytes = (maxBytesOption: string | undefined): number =>
  maxBytesOption === undefined
    ? DEFAULT_VERIFY_MAX_BYTES
    : decodeIntegerOption(intBetween(1, Number.MAX_SAFE_INTEGER), 'max-bytes', maxBytesOption);

/** Why `aos verify` did not read `file`, as a usage error naming it. */
export const verifyFileRefused = (file: string, refusal: FileRefusal) =>
  usageError(
    'file',
    refusal.kind === 'too_large'
      ? `${file} is ${refusal.size} bytes, over the limit of ${refusal.limit} bytes that aos verify reads; --max-bytes raises it (the bundle of a run of a million steps is some 600 MB)`
      : `cannot read ${file}: it ${describeFileRefusal(refusal)}`,
  );

/** The file `aos verify` was given, read only when it is a regular file within the size limit
 * (checked from its size, before reading), and told apart as a bundle or a tree head. Anything
 * else is a usage error (exit 2) naming what it found. */
export const readVerifyInput = async (
  file: string,
  maxBytesOption: string | undefined,
): Promise<VerifyInput> => {
  const maxBytes = verifyMaxBytes(maxBytesOption);
  const bytes = file === '-' ? await readStandardInput(maxBytes) : readFile(file, maxBytes);
  return pipe(
    classifyVerifyInput(bytes),
    orThrow((problem) =>
      usageError(
        'file',
        problem.kind === 'too_long_for_text'
          ? `${file} is ${problem.bytes} bytes, more text than Node.js holds in one string: it cannot be verified here`
          : `${file === '-' ? 'standard input' : file} is neither a bundle nor a tree head (invalid JSON at byte ${problem.invalid_json_at ?? '?'})`,
      ),
    ),
  );
};

/** `aos verify -`: standard input, up to the same limit as a file (refused once it goes over). */
const readStandardInput = async (maxBytes: number): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes)
      throw usageError(
        'file',
        `standard input holds more than the limit of ${maxBytes} bytes that aos verify reads; --max-bytes raises it`,
      );
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
};

const readFile = (file: string, maxBytes: number): Buffer =>
  pipe(
    readFileSafely(file, { followLinks: true, access: 'anyone', maxBytes }),
    orThrow((refusal) => verifyFileRefused(file, refusal)),
  );
