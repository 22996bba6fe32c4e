/** C0 controls (U+0000–U+001F), DEL and the C1 controls (U+007F–U+009F): a goal or a name is one
 * line of human text; control characters would hide or forge what an operator sees. */
const isControlCharacter = (code: number): boolean => code <= 0x1f || (code >= 0x7f && code <= 0x9f);

/** The bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069):
 * invisible, they reorder the characters a reader sees ("Trojan Source", CVE-2021-42574). */
const isBidiControl = (code: number): boolean =>
  (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);

/** U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR: line breaks to many viewers. */
const isLineOrParagraphSeparator = (code: number): boolean => code === 0x2028 || code === 0x2029;

/** A character that must not be in one line of human text (a goal, a name), and where it is. */
export type UnsafeTextCharacter = {
  readonly kind: 'control' | 'bidi_control' | 'separator';
  readonly index: number;
  /** The UTF-16 code unit, as U+XXXX. */
  readonly code: string;
};

const kindOf = (code: number): UnsafeTextCharacter['kind'] | null =>
  isControlCharacter(code)
    ? 'control'
    : isBidiControl(code)
      ? 'bidi_control'
      : isLineOrParagraphSeparator(code)
        ? 'separator'
        : null;

/** The first control character, bidi control or line/paragraph separator in the text, or null:
 * any of them would hide, reorder or break the line an operator reads. */
export const unsafeTextCharacter = (text: string): UnsafeTextCharacter | null => {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const kind = kindOf(code);
    if (kind !== null) return { kind, index, code: `U+${code.toString(16).toUpperCase().padStart(4, '0')}` };
  }
  return null;
};

const KIND_NAMES: Record<UnsafeTextCharacter['kind'], string> = {
  control: 'control characters',
  bidi_control: 'bidirectional control characters (U+202A-U+202E, U+2066-U+2069)',
  separator: 'line or paragraph separators (U+2028, U+2029)',
};

/** The codecs' failure text for an unsafe character ("must not contain ... (found U+202E at index 3)"). */
export const describeUnsafeTextCharacter = (found: UnsafeTextCharacter): string =>
  `must not contain ${KIND_NAMES[found.kind]} (found ${found.code} at index ${found.index})`;
