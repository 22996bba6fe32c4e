import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../domain/json/canonical-json.js';
import type { JsonValue } from '../../domain/json/json-value.js';
import { sameCell, sameJson } from '../../projections/cell-equality.js';
import { comparableCell } from '../../projections/comparable-row.js';

/** A small deterministic generator of JSON values, with near-misses (reordered keys, 1 vs 1.0,
 * "1" vs 1, nested changes) so that equal and unequal pairs both occur often. */
const random = (seed: number) => () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const value = (next: () => number, depth: number): JsonValue => {
  const r = next();
  if (depth > 2 || r < 0.3)
    return [null, true, false, 0, -0, 1, 1.5, '1', '', 'a', 'é'][Math.floor(next() * 11)] ?? null;
  if (r < 0.6) return Array.from({ length: Math.floor(next() * 3) }, () => value(next, depth + 1));
  const keys = ['a', 'b', 'c'].filter(() => next() < 0.6);
  return Object.fromEntries(keys.map((k) => [k, value(next, depth + 1)]));
};
const shuffleKeys = (v: JsonValue): JsonValue => {
  if (Array.isArray(v)) return v.map(shuffleKeys);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .reverse()
        .map(([k, x]) => [k, shuffleKeys(x)]),
    );
  return v;
};

describe('cell equality decides as canonical text equality would', () => {
  it('agrees with RFC 8785 text equality on 5,000 generated pairs (about half of them equal)', () => {
    const next = random(42);
    let equal = 0;
    for (let i = 0; i < 5000; i++) {
      const a = value(next, 0);
      const b = next() < 0.5 ? shuffleKeys(a) : value(next, 0);
      const expected = canonicalJson(a) === canonicalJson(b);
      if (expected) equal += 1;
      expect(sameJson(a, b), `${canonicalJson(a)} vs ${canonicalJson(b)}`).toBe(expected);
    }
    expect(equal).toBeGreaterThan(1500);
  });

  it('treats SQL NULL and JSON null alike in json columns, as the comparable form does', () => {
    expect(sameCell('json', null, undefined)).toBe(
      comparableCell('json', null) === comparableCell('json', undefined),
    );
    expect(sameCell('json', { a: 1 }, null)).toBe(false);
  });

  it('compares timestamps, bigint strings and text by their comparable forms', () => {
    expect(sameCell('timestamp', '2026-11-25T12:00:00.000Z', new Date('2026-11-25T12:00:00.000Z'))).toBe(
      true,
    );
    expect(sameCell('timestamp', '2026-11-25T12:00:00.000Z', new Date('2026-11-25T12:00:00.001Z'))).toBe(
      false,
    );
    expect(sameCell('integer', 3, '3')).toBe(true);
    expect(sameCell('integer', 3, '4')).toBe(false);
    expect(sameCell('text', 'a', 'a')).toBe(true);
    expect(sameCell('text', 'a', null)).toBe(false);
    expect(sameCell('float', 0.25, 0.25)).toBe(true);
  });
});
