import * as t from 'io-ts';

/**
 * The scalar fields of OTLP/JSON (the protobuf JSON mapping, as the OTLP specification restricts
 * it), and of the protobuf messages once the generated `toObject` made them plain: 64-bit integers
 * as decimal strings or numbers, doubles as numbers or "NaN"/"Infinity"/"-Infinity", bytes as
 * base64, and `null` for any field, which the mapping reads as the field's default.
 */

/** `codec`, or null; a failure is `codec`'s alone (a union would add "expected null" to each). */
export const nullable = <A, O>(codec: t.Type<A, O, unknown>) =>
  new t.Type<A | null, O | null, unknown>(
    `${codec.name} | null`,
    (u): u is A | null => u === null || codec.is(u),
    (u, c) => (u === null ? t.success(null) : codec.validate(u, c)),
    (a) => (a === null ? null : codec.encode(a)),
  );

const DECIMAL_INTEGER = /^-?[0-9]{1,20}$/;

const integerIn = (u: unknown, min: bigint, max: bigint): bigint | undefined => {
  const value =
    typeof u === 'number' && Number.isInteger(u)
      ? BigInt(u)
      : typeof u === 'string' && DECIMAL_INTEGER.test(u)
        ? BigInt(u)
        : undefined;
  return value !== undefined && value >= min && value <= max ? value : undefined;
};

/** An integer from min to max, as a JSON number or a decimal string (how int64 and fixed64 travel). */
const integerC = (name: string, min: bigint, max: bigint) =>
  new t.Type<bigint, string, unknown>(
    name,
    (u): u is bigint => typeof u === 'bigint' && u >= min && u <= max,
    (u, c) => {
      const value = integerIn(u, min, max);
      return value === undefined
        ? t.failure(u, c, `expected an integer from ${min} to ${max}, as a number or a decimal string`)
        : t.success(value);
    },
    (value) => value.toString(),
  );

export const Int64C = integerC('int64', -(2n ** 63n), 2n ** 63n - 1n);
export const Fixed64C = integerC('fixed64', 0n, 2n ** 64n - 1n);

const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** A double: a JSON number, or one of the mapping's spellings of the values JSON has no number for. */
export const DoubleC = new t.Type<number, number, unknown>(
  'double',
  (u): u is number => typeof u === 'number',
  (u, c) =>
    typeof u === 'number'
      ? t.success(u)
      : typeof u === 'string' && Object.hasOwn(NON_FINITE, u)
        ? t.success(NON_FINITE[u] as number)
        : t.failure(u, c, 'expected a number, "NaN", "Infinity" or "-Infinity"'),
  t.identity,
);

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Bytes as base64 (standard or URL-safe alphabet, padded or not), decoded to canonical standard base64. */
export const Base64BytesC = new t.Type<string, string, unknown>(
  'bytes',
  (u): u is string => typeof u === 'string' && BASE64.test(u),
  (u, c) =>
    typeof u === 'string' && BASE64.test(u) && u.replace(/=+$/, '').length % 4 !== 1
      ? t.success(Buffer.from(u, 'base64').toString('base64'))
      : t.failure(u, c, 'expected base64'),
  t.identity,
);

/** An enum value: OTLP/JSON sends enums as their integer, never their name. */
export const EnumC = new t.Type<number, number, unknown>(
  'enum',
  (u): u is number => typeof u === 'number' && Number.isInteger(u),
  (u, c) =>
    typeof u === 'number' && Number.isInteger(u) && u >= -(2 ** 31) && u < 2 ** 31
      ? t.success(u)
      : t.failure(u, c, 'expected an enum value as an integer'),
  t.identity,
);
