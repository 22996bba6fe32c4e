import type { JsonValue } from '../json/json-value.js';

/** The path of a child in the `headers.Authorization` / `messages[0].content` form, the root
 * being the empty path (the form step references use for their problems). */
export const childPath = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;

/** A copy of `value` with every string value (not object keys) replaced by `f` of it. */
export const mapStrings = (
  value: JsonValue,
  f: (text: string, path: string) => string,
  path = '',
): JsonValue => {
  if (typeof value === 'string') return f(value, path);
  if (Array.isArray(value)) return value.map((item, i) => mapStrings(item, f, childPath(path, i)));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, mapStrings(item, f, childPath(path, key))]),
  );
};

/** Calls `visit` for every string value, in document order (object keys in their own order). */
export const forEachString = (
  value: JsonValue,
  visit: (text: string, path: string) => void,
  path = '',
): void => {
  if (typeof value === 'string') return visit(value, path);
  if (Array.isArray(value)) return value.forEach((item, i) => forEachString(item, visit, childPath(path, i)));
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) forEachString(item, visit, childPath(path, key));
};

/** Calls `visit` for every object key, with the key's own path. */
export const forEachKey = (value: JsonValue, visit: (key: string, path: string) => void, path = ''): void => {
  if (Array.isArray(value)) return value.forEach((item, i) => forEachKey(item, visit, childPath(path, i)));
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) {
    visit(key, childPath(path, key));
    forEachKey(item, visit, childPath(path, key));
  }
};
