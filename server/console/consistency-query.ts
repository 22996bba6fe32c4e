import * as E from 'fp-ts/lib/Either.js';

/** GET /api/ledger/consistency's sizes, checked: `first` the older size, `second` the newer (the
 * ledger's size now when it is not given). */
export type ConsistencyQuery = { readonly first: number; readonly second: number | undefined };

/** A bad size: the query parameter it is in, and why. */
export type ConsistencyQueryError = { readonly field: 'first' | 'second'; readonly message: string };

const WHOLE = /^\d{1,16}$/;

const size = (
  field: 'first' | 'second',
  value: unknown,
  required: boolean,
): E.Either<ConsistencyQueryError, number | undefined> => {
  if (value === undefined || value === '')
    return required ? E.left({ field, message: `${field} is required: a tree size` }) : E.right(undefined);
  const given = Array.isArray(value) ? undefined : String(value);
  const parsed = given !== undefined && WHOLE.test(given) ? Number(given) : Number.NaN;
  return Number.isSafeInteger(parsed)
    ? E.right(parsed)
    : E.left({
        field,
        message: `${field} must be a whole number of sealed runs (a tree size), got ${given ?? 'a list'}`,
      });
};

/** The two sizes of a consistency query, or the first field that is wrong. */
export const parseConsistencyQuery = (
  query: Record<string, unknown>,
): E.Either<ConsistencyQueryError, ConsistencyQuery> => {
  const first = size('first', query.first, true);
  if (E.isLeft(first)) return first;
  const second = size('second', query.second, false);
  if (E.isLeft(second)) return second;
  const [from, to] = [first.right ?? 0, second.right];
  if (to !== undefined && from > to)
    return E.left({ field: 'first', message: `first must not exceed second (${from} > ${to})` });
  return E.right({ first: from, second: to });
};
