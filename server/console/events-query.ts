import * as E from 'fp-ts/lib/Either.js';
import { EVENTS_PER_READ } from '../../application/console/run-events-after.js';
import { queryWholeNumber } from './query-whole-number.js';

/** GET /api/runs/{run_id}/events?from=&limit=, checked: the seq to start at and how many at most. */
export type EventsPage = { readonly from: number; readonly limit: number };

const wholeNumber = (value: unknown, fallback: number): number | null => {
  const read = queryWholeNumber(value);
  return read.kind === 'absent' ? fallback : read.kind === 'number' ? read.value : null;
};

export const parseEventsPage = (query: Record<string, unknown>): E.Either<string, EventsPage> => {
  const from = wholeNumber(query.from, 0);
  if (from === null) return E.left('from: a whole number (the seq of the first event)');
  const limit = wholeNumber(query.limit, EVENTS_PER_READ);
  if (limit === null || limit < 1 || limit > EVENTS_PER_READ)
    return E.left(`limit: a whole number from 1 to ${EVENTS_PER_READ}`);
  return E.right({ from, limit });
};
