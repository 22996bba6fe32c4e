import { describe, expect, it } from 'vitest';
import { findJsonRejection } from '../../domain/json/json-value.js';
import { withoutNul } from '../../domain/json/storable-json.js';

describe('withoutNul: outside data made storable', () => {
  it('replaces U+0000 in strings and keys, at any depth, with U+FFFD', () => {
    const raw = { 'a\u0000': ['x\u0000y\u0000', { deep: '\u0000' }], n: 1, b: true, z: null };
    const stored = withoutNul(raw);
    expect(stored).toEqual({ 'a\uFFFD': ['x\uFFFDy\uFFFD', { deep: '\uFFFD' }], n: 1, b: true, z: null });
    expect(findJsonRejection(raw)).not.toBeNull();
    expect(findJsonRejection(stored)).toBeNull();
  });

  it('returns data without U+0000 unchanged', () => {
    const clean = { a: ['x', { b: 'y' }], c: 2.5 };
    expect(withoutNul(clean)).toEqual(clean);
    expect(withoutNul('plain')).toBe('plain');
  });
});
