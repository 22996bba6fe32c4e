import * as E from 'fp-ts/lib/Either.js';
import { queryWholeNumber } from './query-whole-number.js';

/** GET /api/ledger/consistency's sizes, checked: `first` the older size, `second` the newer (the
 * ledger's size now when it is not given). */
export type ConsistencyQuery = { readonly first: number; readonly second: number | undefined };

/** A bad size: the query parameter it is in, and why. */
export type ConsistencyQueryError = { readonly field: 'first' | 'second'; readonly message: string };

const size = (
  field: 'first' | 'second',
  value: unknown,
  required: boolean,
): E.Either<ConsistencyQueryError, number | undefined> => {
  const read = queryWholeNumber(value);
  if (read.kind === 'absent')
    return required ? E.left({ field, message: `${field} is required: a tree size` }) : E.right(undefined);
  return read.kind === 'number'
    ? E.right(read.value)
    : E.left({
        field,
        message: `${field} must be a whole number of sealed runs (a tree size), got ${read.given}`,
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
