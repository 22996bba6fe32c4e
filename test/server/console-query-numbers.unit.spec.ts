import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { parseConsistencyQuery } from '../../server/console/consistency-query.js';
import { parseEventsPage } from '../../server/console/events-query.js';
import { queryWholeNumber } from '../../server/console/query-whole-number.js';
import { parseRunsQuery } from '../../server/console/runs-query.js';

// Given the console API's whole-number query parameters (runs' limit, events' from and limit, the
// ledger consistency's first and second), when a client sends anything but plain decimal digits,
// then every route refuses it the same way, naming the parameter.
const NOT_WHOLE = [
  '-1',
  '1.5',
  '1e1',
  '0x10',
  ' 5',
  '5 ',
  '+5',
  'abc',
  '12345678901234567',
  '99999999999999999',
];

describe('whole-number query parameters of the console API', () => {
  it('reads digits as a number, an empty or missing value as absent, and a repeated one as a list', () => {
    expect(queryWholeNumber('42')).toEqual({ kind: 'number', value: 42 });
    expect(queryWholeNumber('0')).toEqual({ kind: 'number', value: 0 });
    expect(queryWholeNumber(undefined)).toEqual({ kind: 'absent' });
    expect(queryWholeNumber('')).toEqual({ kind: 'absent' });
    expect(queryWholeNumber(['1', '2'])).toEqual({ kind: 'invalid', given: 'a list' });
    for (const given of NOT_WHOLE) expect(queryWholeNumber(given)).toEqual({ kind: 'invalid', given });
  });

  it.each(NOT_WHOLE)('refuses %j in every route, naming the parameter', (given) => {
    expect(parseRunsQuery({ limit: given })).toEqual(E.left('limit: a whole number from 1 to 200'));
    expect(parseEventsPage({ from: given })).toEqual(
      E.left('from: a whole number (the seq of the first event)'),
    );
    expect(parseEventsPage({ limit: given })).toMatchObject({
      _tag: 'Left',
      left: expect.stringMatching(/^limit:/),
    });
    expect(parseConsistencyQuery({ first: given })).toMatchObject({ _tag: 'Left', left: { field: 'first' } });
    expect(parseConsistencyQuery({ first: '1', second: given })).toMatchObject({
      _tag: 'Left',
      left: { field: 'second' },
    });
  });

  it('takes the defaults when a parameter is missing or empty, and keeps the bounds', () => {
    expect(parseRunsQuery({})).toMatchObject({ _tag: 'Right', right: { limit: 50 } });
    expect(parseRunsQuery({ limit: '' })).toMatchObject({ _tag: 'Right', right: { limit: 50 } });
    expect(parseRunsQuery({ limit: '200' })).toMatchObject({ _tag: 'Right', right: { limit: 200 } });
    expect(E.isLeft(parseRunsQuery({ limit: '0' }))).toBe(true);
    expect(E.isLeft(parseRunsQuery({ limit: '201' }))).toBe(true);
    expect(parseEventsPage({ from: '7', limit: '1' })).toEqual(E.right({ from: 7, limit: 1 }));
    expect(parseConsistencyQuery({ first: '2' })).toEqual(E.right({ first: 2, second: undefined }));
    expect(parseConsistencyQuery({ first: '' })).toMatchObject({
      _tag: 'Left',
      left: { field: 'first', message: 'first is required: a tree size' },
    });
  });
});
