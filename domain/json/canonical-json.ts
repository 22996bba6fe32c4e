import canonicalize from 'canonicalize';
import type { JsonValue } from './json-value.js';

/** RFC 8785 (JCS) text of a value that already passed the JsonValue gate. */
export const canonicalJson = (value: JsonValue): string => {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
};

const encoder = new TextEncoder();
export const utf8 = (text: string): Uint8Array => encoder.encode(text);
