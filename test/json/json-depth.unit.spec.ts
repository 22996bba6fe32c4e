import * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../domain/json/canonical-json.js';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import {
  describeJsonDepthExcess,
  jsonDepthExcess,
  MAX_JSON_DEPTH,
  RECORD_ENVELOPE_DEPTH,
  withinJsonDepth,
} from '../../domain/json/json-depth.js';
import { findJsonRejection, JsonObjectC, type JsonValue } from '../../domain/json/json-value.js';
import { withoutNul } from '../../domain/json/storable-json.js';
import { PlanTemplateInputC } from '../../domain/plan/plan.js';
import { redactJson } from '../../domain/secrets/redaction.js';
import { defaultRedactionPolicy } from '../../domain/secrets/redaction-policy.js';

/** `levels` objects one inside the other, `{"a":{"a":...1}}`, built without recursion. */
const nestedObjects = (levels: number): JsonValue => {
  let value: JsonValue = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
};
const nestedArrays = (levels: number): JsonValue => {
  let value: JsonValue = [];
  for (let i = 1; i < levels; i++) value = [value];
  return value;
};

describe('jsonDepthExcess: how deep arrays and objects nest, checked without recursion', () => {
  it('counts arrays and objects, not scalars: [] and {} are one level, [[1]] two', () => {
    for (const scalar of ['text', 1, true, null]) expect(jsonDepthExcess(scalar, 0)).toBeNull();
    expect(jsonDepthExcess([], 1)).toBeNull();
    expect(jsonDepthExcess({}, 0)).toEqual({ path: '', limit: 0 });
    expect(jsonDepthExcess([[1]], 2)).toBeNull();
    expect(jsonDepthExcess([[1]], 1)).toEqual({ path: '[0]', limit: 1 });
  });

  it('takes a value exactly at the limit and refuses one level more', () => {
    expect(jsonDepthExcess(nestedObjects(MAX_JSON_DEPTH))).toBeNull();
    expect(jsonDepthExcess(nestedArrays(MAX_JSON_DEPTH))).toBeNull();
    expect(jsonDepthExcess(nestedObjects(MAX_JSON_DEPTH + 1))).not.toBeNull();
    expect(jsonDepthExcess(nestedArrays(MAX_JSON_DEPTH + 1))).not.toBeNull();
  });

  it('measures the deepest branch, whatever its place among wide, shallow ones', () => {
    const wide = { list: Array.from({ length: 1000 }, (_, i) => ({ i })), deep: [{ x: nestedArrays(3) }] };
    expect(jsonDepthExcess(wide, 6)).toBeNull();
    expect(jsonDepthExcess(wide, 5)).toEqual({ path: 'deep[0].x[0][0]', limit: 5 });
  });

  it('names the first path in document order that goes too deep, shortened after 8 segments', () => {
    const value = { first: [1, { b: { c: {} } }], second: { d: { e: {} } } };
    expect(jsonDepthExcess(value, 3)).toEqual({ path: 'first[1].b', limit: 3 });
    expect(jsonDepthExcess({ steps: [{ params: nestedObjects(300) }] }, 256)).toEqual({
      path: 'steps[0].params.a.a.a.a.a…',
      limit: 256,
    });
    expect(describeJsonDepthExcess({ path: 'steps[0].params.a…', limit: 256 })).toBe(
      'steps[0].params.a…: nests arrays and objects deeper than 256 levels',
    );
    expect(describeJsonDepthExcess({ path: '', limit: 2 })).toBe(
      'nests arrays and objects deeper than 2 levels',
    );
  });

  it('stays on its own stack at any depth: 1,000,000 levels parsed from text, and a value holding itself', () => {
    const levels = 1_000_000;
    const parsed: unknown = JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);
    expect(jsonDepthExcess(parsed)).toMatchObject({ limit: MAX_JSON_DEPTH });
    expect(jsonDepthExcess(parsed, levels)).toBeNull();
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    expect(jsonDepthExcess(cycle)).toMatchObject({ limit: MAX_JSON_DEPTH });
  });
});

describe('MAX_JSON_DEPTH leaves the recursive walks it protects a wide margin', () => {
  // What a recorded value meets after the check: the JSON gate, U+0000 replacement, redaction and
  // canonicalization, each recursive. At 4× the deepest document that may hold recorded values
  // (a bundle: the limit plus its envelope), each still has stack to spare.
  const margin = 4 * (MAX_JSON_DEPTH + RECORD_ENVELOPE_DEPTH);

  it.each([
    ['the JSON gate', (v: JsonValue) => findJsonRejection(v)],
    ['withoutNul', (v: JsonValue) => withoutNul(v)],
    ['redactJson', (v: JsonValue) => redactJson(v, defaultRedactionPolicy, ['a-secret-value'])],
    ['canonicalJson', (v: JsonValue) => canonicalJson(v)],
  ])(`%s takes ${margin} levels`, (_name, walk) => {
    expect(() => walk(nestedObjects(margin))).not.toThrow();
    expect(() => walk(nestedArrays(margin))).not.toThrow();
  });
});

describe('withinJsonDepth: a codec that checks the depth before its own recursive walk', () => {
  it('fails a value nested too deep with the path, without calling the codec', () => {
    let called = false;
    const spy = new t.Type<unknown, unknown, unknown>(
      'Spy',
      (_u): _u is unknown => true,
      (u) => {
        called = true;
        return t.success(u);
      },
      t.identity,
    );
    const decoded = withinJsonDepth(spy, 2).decode({ a: { b: { c: 1 } } });
    expect(decoded._tag).toBe('Left');
    if (decoded._tag === 'Left')
      expect(describeDecodeErrors(decoded.left)).toEqual([
        '(input): a.b: nests arrays and objects deeper than 2 levels',
      ]);
    expect(called).toBe(false);
  });

  it('decodes a value within the limit exactly as the codec does', () => {
    const codec = withinJsonDepth(JsonObjectC, 3);
    expect(codec.decode({ a: { b: [1] } })).toEqual(JsonObjectC.decode({ a: { b: [1] } }));
    expect(codec.decode([1])._tag).toBe('Left');
    expect(codec.is({ a: { b: [1] } })).toBe(true);
    expect(codec.is({ a: { b: [[1]] } })).toBe(false);
  });

  it('gates plan templates from files: 10,000 levels fail to decode, they do not overflow', () => {
    const template = { steps: [{ skill: 'echo', params: { message: 'hi', extra: nestedArrays(10_000) } }] };
    const decoded = PlanTemplateInputC.decode(template);
    expect(decoded._tag).toBe('Left');
    if (decoded._tag === 'Left')
      expect(describeDecodeErrors(decoded.left)).toEqual([
        '(input): steps[0].params.extra[0][0][0][0]…: nests arrays and objects deeper than 256 levels',
      ]);
    expect(PlanTemplateInputC.decode({ steps: [{ skill: 'echo', params: { message: 'hi' } }] })._tag).toBe(
      'Right',
    );
  });
});
