import * as t from 'io-ts';

/** Integer in [min, max]. */
export const intBetween = (min: number, max: number) =>
  new t.Type<number, number, unknown>(
    `integer ${min}..${max}`,
    (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max,
    (u, c) =>
      typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max
        ? t.success(u)
        : t.failure(u, c, `expected an integer from ${min} to ${max}`),
    t.identity,
  );

/** Finite number >= 0. */
export const nonNegativeNumber = new t.Type<number, number, unknown>(
  'non-negative number',
  (u): u is number => typeof u === 'number' && Number.isFinite(u) && u >= 0,
  (u, c) =>
    typeof u === 'number' && Number.isFinite(u) && u >= 0
      ? t.success(u)
      : t.failure(u, c, 'expected a number >= 0'),
  t.identity,
);

/** String matching a pattern, with a human description for errors. */
export const patternString = (name: string, pattern: RegExp, description: string) =>
  new t.Type<string, string, unknown>(
    name,
    (u): u is string => typeof u === 'string' && pattern.test(u),
    (u, c) => (typeof u === 'string' && pattern.test(u) ? t.success(u) : t.failure(u, c, description)),
    t.identity,
  );

/** A string of at most `max` UTF-16 code units (`String.length`). */
export const stringUpTo = (name: string, max: number) =>
  new t.Type<string, string, unknown>(
    name,
    (u): u is string => typeof u === 'string' && u.length <= max,
    (u, c) =>
      typeof u !== 'string'
        ? t.failure(u, c, 'expected a string')
        : u.length > max
          ? t.failure(u, c, `must be at most ${max} characters (got ${u.length})`)
          : t.success(u),
    t.identity,
  );
