/** A whole-number query parameter of the console API, read one way for every route: absent (not
 * given, or given empty), a number (decimal digits only: no sign, point, exponent, hex or spaces,
 * and a safe integer), or invalid with the text that was given (`a list` for a repeated parameter). */
export type QueryWholeNumber =
  | { readonly kind: 'absent' }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'invalid'; readonly given: string };

const DIGITS = /^\d{1,16}$/;

export const queryWholeNumber = (value: unknown): QueryWholeNumber => {
  if (value === undefined || value === '') return { kind: 'absent' };
  if (typeof value !== 'string') return { kind: 'invalid', given: 'a list' };
  const number = DIGITS.test(value) ? Number(value) : Number.NaN;
  return Number.isSafeInteger(number) ? { kind: 'number', value: number } : { kind: 'invalid', given: value };
};
