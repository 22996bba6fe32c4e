import { describe, expect, it } from 'vitest';
import { jsonbText } from '../../projections/jsonb-text.js';

describe('jsonbText (the layout jsonb_out prints; checked against Postgres in jsonb-text.int.spec.ts)', () => {
  it('orders keys shortest first, then bytewise, with ", " and ": "', () => {
    expect(jsonbText({ message: 'hi', n: 1, ab: [1, 'x', null, true], aa: {} })).toBe('{"n": 1, "aa": {}, "ab": [1, "x", null, true], "message": "hi"}');
    expect(jsonbText([])).toBe('[]');
    expect(jsonbText({ B: 1, a: 2 })).toBe('{"B": 1, "a": 2}');
  });

  it('escapes strings as JSON.stringify does and keeps other characters', () =>
    expect(jsonbText({ s: 'tab\t"q" \\ \u0001 é 😀 \u2028' })).toBe('{"s": "tab\\t\\"q\\" \\\\ \\u0001 é 😀 \u2028"}'));

  it('gives no text where it cannot be sure of the order or the value', () => {
    expect(jsonbText({ é: 1 })).toBeNull();
    expect(jsonbText({ a: [Number.NaN] })).toBeNull();
    expect(jsonbText({ a: undefined })).toBeNull();
  });
});
