/**
 * Text for a terminal. A terminal acts on some characters instead of showing them: the C0 controls
 * (ESC starts sequences that recolour, move the cursor or rewrite the screen; CR returns to the
 * start of the line; LF starts a new one), DEL, the C1 controls (U+0085 is a line break, U+009B a
 * CSI), the bidi controls that reorder a line (U+202A–U+202E, U+2066–U+2069) and the line and
 * paragraph separators (U+2028, U+2029). Printed raw from a bundle, the database, a file or the
 * command line, they draw lines the CLI never wrote. Here they are shown escaped instead, as
 * `\n`, `\r`, `\t` or `\uXXXX`: the same set the domain refuses in goals and names
 * (domain/json/control-characters.ts).
 */

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same less LF and TAB, with which the CLI lays out its own lines and columns. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_BUT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const SHORT_FORMS: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const UNSAFE_RANGES = [
  [0x00, 0x1f],
  [0x7f, 0x9f],
  [0x2028, 0x202e],
  [0x2066, 0x2069],
] as const;

/** Each character's escape, made once (a lookup is twice as fast as formatting each time). */
const ESCAPES = new Map<string, string>();
for (const [from, to] of UNSAFE_RANGES)
  for (let code = from; code <= to; code++) {
    const character = String.fromCharCode(code);
    ESCAPES.set(character, SHORT_FORMS[character] ?? `\\u${code.toString(16).padStart(4, '0')}`);
  }
const escaped = (character: string): string => ESCAPES.get(character) ?? character;

/** A value from data (a bundle, the database, a file, an argument) as it may be printed inside a
 * line: every character a terminal would act on is escaped, line breaks included, so the value
 * stays on its line and shows what it holds. */
export const shown = (value: string | number | boolean | null): string =>
  String(value).replace(UNSAFE, escaped);

/** The CLI's own text (its lines joined with LF, columns with TAB, values already `shown`) made
 * safe to print whole: anything else a terminal would act on is escaped. */
export const terminalText = (text: string): string => text.replace(UNSAFE_BUT_LAYOUT, escaped);
