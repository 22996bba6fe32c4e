import type * as t from 'io-ts';
import { describeDecodeErrors } from '../domain/json/decode-error.js';
import { usageError } from './cli-failure.js';

/** Decodes one CLI option with its codec; a failure is a usage error naming the option. */
export const decodeOption = <A>(codec: t.Decoder<unknown, A>, field: string, value: unknown): A => {
  if (value === undefined || value === null) throw usageError(field, 'is required');
  const decoded = codec.decode(value);
  if (decoded._tag === 'Left') {
    const detail = describeDecodeErrors(decoded.left).map((line) => line.replace(/^\(input\): /, '')).join('; ');
    throw usageError(field, detail);
  }
  return decoded.right;
};
