import { pipe } from 'fp-ts/lib/function.js';
import type * as t from 'io-ts';
import { describeDecodeErrors } from '../domain/json/decode-error.js';
import { orThrow, usageError } from './cli-failure.js';

/** Decodes one CLI option with its codec; a failure is a usage error naming the option. */
export const decodeOption = <A>(codec: t.Decoder<unknown, A>, field: string, value: unknown): A => {
  if (value === undefined || value === null) throw usageError(field, 'is required');
  return pipe(
    codec.decode(value),
    orThrow((errors) =>
      usageError(
        field,
        describeDecodeErrors(errors)
          .map((line) => line.replace(/^\(input\): /, ''))
          .join('; '),
      ),
    ),
  );
};

const DECIMAL_INTEGER = /^-?\d{1,16}$/;

/**
 * Decodes a whole-number option. The CLIs declare these as strings: yargs' own number parsing
 * turns `--budget-cents ''` (or a bare `--budget-cents`) into 0 and `0x10` into 16. Only decimal
 * digits are taken; then `codec` checks the range.
 */
export const decodeIntegerOption = <A>(codec: t.Decoder<unknown, A>, field: string, value: unknown): A => {
  if (value === undefined || value === null) throw usageError(field, 'is required');
  if (Array.isArray(value)) throw usageError(field, 'is given more than once');
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!DECIMAL_INTEGER.test(text))
    throw usageError(
      field,
      `must be a whole number in decimal digits (got ${JSON.stringify(String(value))})`,
    );
  return decodeOption(codec, field, Number(text));
};
