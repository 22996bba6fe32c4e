import type { ColumnKind } from './projection-tables.js';
import { comparableCell } from './comparable-row.js';

/** Equality of JSON values as RFC 8785 text equality would decide it (same numbers, strings, array
 * order, key sets), without building the text: what the proof compares per cell. */
export const sameJson = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  for (const key of aKeys) {
    if (
      !Object.hasOwn(b, key) ||
      !sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])
    )
      return false;
  }
  return true;
};

const absent = (value: unknown): boolean => value === null || value === undefined;

/** Whether a derived cell and a stored one are the same value, as their comparable forms
 * (comparableCell) would say, cheaply for the common kinds. */
export const sameCell = (kind: ColumnKind, expected: unknown, actual: unknown): boolean => {
  if (kind === 'json')
    return absent(expected) ? absent(actual) : !absent(actual) && sameJson(expected, actual);
  if (kind === 'text' && typeof expected === 'string' && typeof actual === 'string')
    return expected === actual;
  if ((kind === 'integer' || kind === 'float') && typeof expected === 'number' && typeof actual === 'number')
    return expected === actual;
  return comparableCell(kind, expected) === comparableCell(kind, actual);
};
