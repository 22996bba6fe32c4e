/**
 * Where a text stops being JSON (RFC 8259), as a byte offset into its UTF-8 bytes: JSON.parse's
 * messages name a UTF-16 position only for some errors, and none for a text cut short. Used only
 * after JSON.parse refused a text, to tell the user where; iterative, so nesting depth is no limit.
 */

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const SIMPLE_ESCAPES = new Set([...'"\\/bfnrt'].map((c) => c.charCodeAt(0)));
const LITERALS = new Map([...['true', 'false', 'null']].map((w) => [w.charCodeAt(0), Buffer.from(w)]));
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;

const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;
const isHex = (b: number | undefined) =>
  b !== undefined && (isDigit(b) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));

/** The offset of the first byte at which `bytes` are not one JSON text (their length when they are
 * cut short), or null when they are one. */
// eslint-disable-next-line max-lines-per-function -- one scanner of the JSON grammar (RFC 8259), a state machine that reads best whole
export const jsonSyntaxErrorOffset = (bytes: Uint8Array): number | null => {
  let i = 0;
  const skipWhitespace = () => {
    while (i < bytes.length && WHITESPACE.has(bytes[i] as number)) i++;
  };
  const digits = (): boolean => {
    if (!isDigit(bytes[i])) return false;
    while (isDigit(bytes[i])) i++;
    return true;
  };
  // Each scanner starts at the value's first byte and leaves i after it; false: the error is at i.
  const string = (): boolean => {
    for (i++; i < bytes.length;) {
      const b = bytes[i] as number;
      if (b === 0x22) {
        i++;
        return true;
      }
      if (b < 0x20) return false;
      if (b !== 0x5c) {
        i++;
        continue;
      }
      i++;
      if (SIMPLE_ESCAPES.has(bytes[i] as number)) i++;
      else if (bytes[i] === 0x75) {
        i++;
        for (let k = 0; k < 4; k++, i++) if (!isHex(bytes[i])) return false;
      } else return false;
    }
    return false;
  };
  const number = (): boolean => {
    if (bytes[i] === 0x2d) i++;
    if (bytes[i] === 0x30) i++;
    else if (!digits()) return false;
    if (bytes[i] === 0x2e) {
      i++;
      if (!digits()) return false;
    }
    if (bytes[i] === 0x65 || bytes[i] === 0x45) {
      i++;
      if (bytes[i] === 0x2b || bytes[i] === 0x2d) i++;
      if (!digits()) return false;
    }
    return true;
  };
  const literal = (word: Uint8Array): boolean => {
    for (const expected of word) {
      if (bytes[i] !== expected) return false;
      i++;
    }
    return true;
  };

  const open: number[] = [];
  let state: 'value' | 'key' | 'after' = 'value';
  for (;;) {
    skipWhitespace();
    const b = bytes[i];
    if (state === 'after') {
      const top = open[open.length - 1];
      if (top === undefined) return i === bytes.length ? null : i;
      if (b === 0x2c) {
        i++;
        state = top === OPEN_OBJECT ? 'key' : 'value';
      } else if (b === (top === OPEN_OBJECT ? 0x7d : 0x5d)) {
        i++;
        open.pop();
      } else return i;
      continue;
    }
    if (state === 'key') {
      if (b !== 0x22 || !string()) return i;
      skipWhitespace();
      if (bytes[i] !== 0x3a) return i;
      i++;
      state = 'value';
      continue;
    }
    if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      i++;
      skipWhitespace();
      if (bytes[i] === (b === OPEN_OBJECT ? 0x7d : 0x5d)) {
        i++;
        state = 'after';
      } else {
        open.push(b);
        state = b === OPEN_OBJECT ? 'key' : 'value';
      }
      continue;
    }
    const word = b === undefined ? undefined : LITERALS.get(b);
    const ok =
      b === 0x22
        ? string()
        : b === 0x2d || isDigit(b)
          ? number()
          : word !== undefined
            ? literal(word)
            : false;
    if (!ok) return i;
    state = 'after';
  }
};
