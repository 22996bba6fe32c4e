import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { decodeTraceRequest } from '../../adapters/otlp/decode-trace-request.js';
import type { DecodedTraceRequest } from '../../adapters/otlp/received-spans.js';
import { jsonRequest, jsonSpan } from './sdk-trace-requests.js';

const decoded = (attributes: readonly object[]): DecodedTraceRequest => {
  const result = decodeTraceRequest('json', jsonRequest([jsonSpan({ attributes })]));
  if (E.isLeft(result)) throw new Error(`expected the request to decode: ${result.left.message}`);
  return result.right;
};

/** An empty AnyValue: not a scalar, so the list goes through the codecs (the reference). */
const THROUGH_THE_CODECS = { key: 'zz_through_the_codecs', value: {} };

/** Attributes whose values are all strings, bools or short integers take a shortcut past the
 * codecs (every span pays for its attributes): it must give exactly what the codecs give. */
describe('decodeTraceRequest: attributes of scalar values, the shortcut past the codecs', () => {
  const pairs: object[] = [
    { key: 'string', value: { stringValue: 'text' } },
    { key: 'lone', value: { stringValue: 'a\ud800b' } },
    { key: 'k\udc00', value: { stringValue: '' } },
    { key: 'bool', value: { boolValue: true } },
    { key: 'int_string', value: { intValue: '42' } },
    { key: 'int_padded', value: { intValue: '007' } },
    { key: 'int_minus_zero_string', value: { intValue: '-0' } },
    { key: 'int_minus_zero', value: { intValue: -0 } },
    { key: 'int_number', value: { intValue: -123456789012345 } },
    { key: 'int_15_digits', value: { intValue: '999999999999999' } },
    { key: 'null_value', value: null },
    { key: 'no_value' },
    { value: { stringValue: 'no key' } },
    { key: 'dup', value: { stringValue: 'first' } },
    { key: 'dup', value: { intValue: 2 } },
    { key: 'ignored_field', value: { stringValue: 'kept', unknownField: 5 } },
  ];

  it('gives what the codecs give, -0 as 0 and lone surrogates replaced', () => {
    const shortcut = decoded(pairs).spans[0]?.attributes;
    const codecs = decoded([...pairs, THROUGH_THE_CODECS]).spans[0]?.attributes;
    expect({ ...shortcut, zz_through_the_codecs: null }).toEqual(codecs);
    expect(shortcut).toEqual({
      string: 'text',
      lone: 'a\ufffdb',
      'k\ufffd': '',
      bool: true,
      int_string: 42,
      int_padded: 7,
      int_minus_zero_string: 0,
      int_minus_zero: 0,
      int_number: -123456789012345,
      int_15_digits: 999999999999999,
      null_value: null,
      no_value: null,
      '': 'no key',
      dup: 2,
      ignored_field: 'kept',
    });
  });

  it.each([
    ['two values set', { stringValue: 'a', boolValue: true }],
    ['a string value of the wrong type', { stringValue: 5 }],
    ['an integer that is not one', { intValue: 1.5 }],
    ['an integer string that is not one', { intValue: '12a' }],
    ['a bool of the wrong type', { boolValue: 'true' }],
  ])('refuses the request as the codecs do: %s', (_name, value) => {
    const body = jsonRequest([jsonSpan({ attributes: [{ key: 'a', value }] })]);
    const withOther = jsonRequest([jsonSpan({ attributes: [{ key: 'a', value }, THROUGH_THE_CODECS] })]);
    const result = decodeTraceRequest('json', body);
    expect(E.isLeft(result)).toBe(true);
    expect(result).toEqual(decodeTraceRequest('json', withOther));
  });
});
