import { describe, expect, it } from 'vitest';
import { jsonbText, numericText } from '../../projections/jsonb-text.js';

describe('jsonbText (the layout jsonb_out prints; checked against Postgres in jsonb-text.int.spec.ts)', () => {
  it('orders keys shortest first, then bytewise, with ", " and ": "', () => {
    expect(jsonbText({ message: 'hi', n: 1, ab: [1, 'x', null, true], aa: {} })).toBe(
      '{"n": 1, "aa": {}, "ab": [1, "x", null, true], "message": "hi"}',
    );
    expect(jsonbText([])).toBe('[]');
    expect(jsonbText({ B: 1, a: 2 })).toBe('{"B": 1, "a": 2}');
  });

  it('escapes strings as JSON.stringify does and keeps other characters', () =>
    expect(jsonbText({ s: 'tab\t"q" \\ \u0001 é 😀 \u2028' })).toBe(
      '{"s": "tab\\t\\"q\\" \\\\ \\u0001 é 😀 \u2028"}',
    ));

  it('orders keys that are not ASCII by their UTF-8 length, then bytes', () =>
    expect(jsonbText({ é: 1, z: 2, ab: 3 })).toBe('{"z": 2, "ab": 3, "é": 1}'));

  it('writes numbers as numeric prints them, without an exponent', () => {
    expect([0, -0, 0.05, -12.5, 1e20, 0.000001].map(numericText)).toEqual([
      '0',
      '0',
      '0.05',
      '-12.5',
      '100000000000000000000',
      '0.000001',
    ]);
    expect(numericText(1e21)).toBe('1000000000000000000000');
    expect(numericText(-1.2345e22)).toBe('-12345000000000000000000');
    expect(numericText(1.5e-7)).toBe('0.00000015');
    expect(numericText(5e-324)).toBe(`0.${'0'.repeat(323)}5`);
  });

  it('gives no text for what is not JSON', () => {
    expect(jsonbText({ a: [Number.NaN] })).toBeNull();
    expect(jsonbText({ a: undefined })).toBeNull();
    expect(jsonbText(10n)).toBeNull();
  });
});
