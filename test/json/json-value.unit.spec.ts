import { describe, expect, it } from 'vitest';
import { findJsonRejection, JsonObjectC } from '../../domain/json/json-value.js';

const holey: number[] = [];
holey[0] = 1;
holey[2] = 3;

describe('findJsonRejection: the first reason a value is not plain JSON, and where', () => {
  it('accepts plain JSON, however nested', () => {
    expect(
      findJsonRejection({ a: [1, 'x', null, true, { b: [[], {}] }], c: -0.5, d: 2 ** 53 - 1, e: 1e21 }),
    ).toBeNull();
    expect(findJsonRejection(Object.assign(Object.create(null) as object, { k: 1 }))).toBeNull();
  });

  it.each([
    ['undefined in an object', { a: { b: undefined } }, '$.a.b', 'undefined is not JSON'],
    ['NaN in an array', [1, [2, Number.NaN]], '$[1][1]', 'number is NaN or infinite'],
    ['Infinity at the root', Number.POSITIVE_INFINITY, '$', 'number is NaN or infinite'],
    ['an unsafe integer', { n: [0, 2 ** 53] }, '$.n[1]', 'integer outside ±(2^53−1); send it as a string'],
    ['a lone surrogate in a string', { s: ['ok', 'a\uD800b'] }, '$.s[1]', 'string contains a lone surrogate'],
    [
      'U+0000 in a string',
      { body: { text: 'a\u0000b' } },
      '$.body.text',
      'string contains U+0000, which Postgres cannot store',
    ],
    [
      'U+0000 in a key (reported at the object)',
      { o: { ['k\u0000']: 1 } },
      '$.o',
      'key "k\\u0000" contains U+0000, which Postgres cannot store',
    ],
    [
      'a lone surrogate in a key (reported at the object)',
      { o: { ['k\uDC00']: 1 } },
      '$.o',
      'key "k\\udc00" contains a lone surrogate',
    ],
    ['a Date', { when: new Date(0) }, '$.when', 'not a plain object'],
    ['a sparse array hole', { a: holey }, '$.a[1]', 'sparse array hole'],
    ['a function', { f: () => 1 }, '$.f', 'function is not JSON'],
    ['a bigint', [{ x: 1n }], '$[0].x', 'bigint is not JSON'],
  ])('rejects %s', (_label, value, path, reason) => {
    expect(findJsonRejection(value)).toEqual({ path, reason });
  });

  it('reports the first rejection in key order, and starts from the given root path', () => {
    expect(findJsonRejection({ a: 1, b: undefined, c: Number.NaN }, '$.data')).toEqual({
      path: '$.data.b',
      reason: 'undefined is not JSON',
    });
  });

  it('names the place in the codec error', () => {
    const decoded = JsonObjectC.decode({ outcome: { data: [Number.NaN] } });
    expect(decoded._tag).toBe('Left');
    if (decoded._tag === 'Left')
      expect(decoded.left[0]?.message).toBe('$.outcome.data[0]: number is NaN or infinite');
  });
});
