/**
 * The text PostgreSQL prints for a jsonb value (jsonb_out), for a value the proof derived: object
 * keys shortest first, then bytewise; ", " between items and ": " after keys; strings escaped as
 * JSON.stringify escapes them (the same characters, the same \u00xx form); numbers as JavaScript
 * prints them, which numeric prints alike for integers and for decimals between 1e-7 and 1e21.
 *
 * Only a shortcut for comparing a derived cell with a stored one: this text is a faithful JSON
 * serialization of the value, so a stored text equal to it is the same value. Any other stored
 * text (a number Postgres prints in another form, a tampered cell) is parsed and compared value
 * by value. Null when there is no such text: a key with non-ASCII characters (ordered by its UTF-8
 * bytes), a number that is not finite, or something that is not JSON.
 */
export const jsonbText = (value: unknown): string | null => {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : null;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      return Array.isArray(value) ? arrayText(value) : objectText(value as Record<string, unknown>);
    default:
      return null;
  }
};

const arrayText = (items: readonly unknown[]): string | null => {
  let text = '[';
  for (let i = 0; i < items.length; i++) {
    const item = jsonbText(items[i]);
    if (item === null) return null;
    text += i === 0 ? item : `, ${item}`;
  }
  return `${text}]`;
};

const isAscii = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
};

const jsonbKeyOrder = (a: string, b: string): number => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

const objectText = (object: Record<string, unknown>): string | null => {
  const keys = Object.keys(object);
  for (const key of keys) if (!isAscii(key)) return null;
  keys.sort(jsonbKeyOrder);
  let text = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = jsonbText(object[key]);
    if (item === null) return null;
    text += `${i === 0 ? '' : ', '}${JSON.stringify(key)}: ${item}`;
  }
  return `${text}}`;
};
