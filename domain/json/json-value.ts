import * as t from 'io-ts';

/** Plain JSON as RunProof v1 allows it into a hash: no undefined, no NaN/Infinity,
 * no unsafe integers, no lone surrogates, no class instances (Dates, Buffers, Maps), and no U+0000
 * (valid JSON, but Postgres stores it neither in text nor in jsonb: one such event would stop the
 * projector for every tenant). Data from outside passes through withoutNul first. */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type JsonRejection = { readonly path: string; readonly reason: string };

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const NUL_REASON = 'string contains U+0000, which Postgres cannot store';

const isPlainObject = (value: object): boolean => {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

/** Where the walk is: keys and indexes from the root, turned into a path only for a rejection. */
type Segment = string | number;

const pathOf = (root: string, segments: readonly Segment[]): string =>
  segments.reduce<string>(
    (path, segment) => (typeof segment === 'number' ? `${path}[${segment}]` : `${path}.${segment}`),
    root,
  );

/** The first reason `value` is not plain JSON, with `segments` left at its place; null when it is. */
const rejectionIn = (value: unknown, segments: Segment[]): string | null => {
  switch (typeof value) {
    case 'string':
      if (value.includes('\u0000')) return NUL_REASON;
      return LONE_SURROGATE.test(value) ? 'string contains a lone surrogate' : null;
    case 'boolean':
      return null;
    case 'number':
      if (!Number.isFinite(value)) return 'number is NaN or infinite';
      if (Number.isInteger(value) && !Number.isSafeInteger(value) && Math.abs(value) < 1e21)
        return 'integer outside ±(2^53−1); send it as a string';
      return null;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          segments.push(i);
          if (!(i in value)) return 'sparse array hole';
          const inner = rejectionIn(value[i], segments);
          if (inner !== null) return inner;
          segments.pop();
        }
        return null;
      }
      if (!isPlainObject(value)) return 'not a plain object';
      for (const key of Object.keys(value)) {
        if (LONE_SURROGATE.test(key)) return `key ${JSON.stringify(key)} contains a lone surrogate`;
        if (key.includes('\u0000'))
          return `key ${JSON.stringify(key)} contains U+0000, which Postgres cannot store`;
        segments.push(key);
        const inner = rejectionIn((value as Record<string, unknown>)[key], segments);
        if (inner !== null) return inner;
        segments.pop();
      }
      return null;
    }
    default:
      return `${typeof value} is not JSON`;
  }
};

/** Returns the first reason `value` is not plain JSON, or null when it is. */
export const findJsonRejection = (value: unknown, path = '$'): JsonRejection | null => {
  const segments: Segment[] = [];
  const reason = rejectionIn(value, segments);
  return reason === null ? null : { path: pathOf(path, segments), reason };
};

export const JsonValueC = new t.Type<JsonValue, JsonValue, unknown>(
  'JsonValue',
  (u): u is JsonValue => findJsonRejection(u) === null,
  (u, c) => {
    const rejection = findJsonRejection(u);
    return rejection === null
      ? t.success(u as JsonValue)
      : t.failure(u, c, `${rejection.path}: ${rejection.reason}`);
  },
  t.identity,
);

export const JsonObjectC = new t.Type<JsonObject, JsonObject, unknown>(
  'JsonObject',
  (u): u is JsonObject =>
    typeof u === 'object' && u !== null && !Array.isArray(u) && findJsonRejection(u) === null,
  (u, c) => {
    if (typeof u !== 'object' || u === null || Array.isArray(u))
      return t.failure(u, c, 'expected a JSON object');
    const rejection = findJsonRejection(u);
    return rejection === null
      ? t.success(u as JsonObject)
      : t.failure(u, c, `${rejection.path}: ${rejection.reason}`);
  },
  t.identity,
);
