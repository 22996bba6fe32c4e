/**
 * The text a secret value may take once it went out and came back: as it is; percent-encoded by
 * any encoder (a URL path keeps `@` where encodeURIComponent writes %40, escapes may be upper or
 * lower case, `%` itself may be encoded again when the URL sits inside another URL: %25C3);
 * `+` for a space (a form-encoded query); or JSON-escaped (`\"`, `\u00e4`, in a JSON body kept as
 * a string). Each character may take any of its forms, independently of the others: the pattern
 * matches a stretch of text exactly when, decoded, it reads the secret. So the comparison is the
 * one after percent-decoding, without decoding (and so without changing) the text around it.
 */

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Hex digits as a pattern taking both cases: "c3" → "[cC]3". */
const anyCaseHex = (value: number, width: number): string =>
  [...value.toString(16).padStart(width, '0')]
    .map((digit) => (/[a-f]/.test(digit) ? `[${digit}${digit.toUpperCase()}]` : digit))
    .join('');

const isLoneSurrogate = (char: string): boolean => char.length === 1 && /[\uD800-\uDFFF]/.test(char);

const utf8 = new TextEncoder();

/** %XX per UTF-8 byte, each `%` possibly encoded again (%25XX, %2525XX). A lone surrogate has no
 * UTF-8 form (encodeURIComponent throws on it): none. */
const percentForm = (char: string): string | null =>
  isLoneSurrogate(char)
    ? null
    : [...utf8.encode(char)].map((byte) => `%(?:25)*${anyCaseHex(byte, 2)}`).join('');

const JSON_SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** \uXXXX per UTF-16 code unit (a pair for a character beyond the BMP), hex in either case. */
const jsonUnicodeForm = (char: string): string =>
  [...Array(char.length).keys()].map((i) => `\\\\u${anyCaseHex(char.charCodeAt(i), 4)}`).join('');

/** Every form of one character (a code point, or a lone surrogate), as alternatives. */
const characterForms = (char: string): string => {
  const forms = [escapeRegExp(char), jsonUnicodeForm(char)];
  const percent = percentForm(char);
  if (percent !== null) forms.push(percent);
  const short = JSON_SHORT_ESCAPES[char];
  if (short !== undefined) forms.push(escapeRegExp(short));
  if (char === ' ') forms.push('\\+');
  return `(?:${forms.join('|')})`;
};

/** A regular expression source matching `secret` in any of the forms above (no flags needed:
 * the case-insensitivity is in the hex digits only; the secret's own letters keep their case). */
export const encodedSecretPattern = (secret: string): string => [...secret].map(characterForms).join('');
