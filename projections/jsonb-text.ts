/**
 * The text PostgreSQL prints for the jsonb a projector stores for a value (JSON.stringify(value)
 * cast to jsonb, then jsonb_out): object keys shortest first (in UTF-8 bytes), then bytewise; ", "
 * between items and ": " after keys; strings escaped as JSON.stringify escapes them (the same
 * characters, the same \u00xx form); numbers as numeric prints the number it read, without an
 * exponent. jsonb keeps what it is given exactly (a number keeps every digit), so a stored cell
 * holds the derived value exactly when its text is this one. Checked against Postgres in
 * test/projections/jsonb-text.int.spec.ts. Null for what is not JSON (undefined, NaN, a BigInt).
 */
export const jsonbText = (value: unknown): string | null => {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? numericText(value) : null;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      return Array.isArray(value) ? arrayText(value) : objectText(value as Record<string, unknown>);
    default:
      return null;
  }
};

/** numeric's text of the number Postgres reads from JavaScript's text of `n`: the same digits,
 * an exponent written out (1e+21 is 1000000000000000000000, 1.5e-7 is 0.00000015). */
export const numericText = (n: number): string => {
  const text = String(n);
  const e = text.indexOf('e');
  if (e === -1) return text;
  const sign = text.startsWith('-') ? '-' : '';
  const mantissa = text.slice(sign.length, e);
  const point = mantissa.indexOf('.');
  const digits = point === -1 ? mantissa : mantissa.slice(0, point) + mantissa.slice(point + 1);
  const whole = (point === -1 ? mantissa.length : point) + Number(text.slice(e + 1)); // digits before the point
  if (whole >= digits.length) return sign + digits + '0'.repeat(whole - digits.length);
  if (whole <= 0) return `${sign}0.${'0'.repeat(-whole)}${digits}`;
  return `${sign}${digits.slice(0, whole)}.${digits.slice(whole)}`;
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

// jsonb orders keys by their UTF-8 length, then bytes; for ASCII keys those are code units.
const jsonbKeyOrder = (a: string, b: string): number => {
  if (isAscii(a) && isAscii(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  const [x, y] = [Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')];
  return x.length - y.length || Buffer.compare(x, y);
};

const objectText = (object: Record<string, unknown>): string | null => {
  const keys = Object.keys(object).sort(jsonbKeyOrder);
  let text = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = jsonbText(object[key]);
    if (item === null) return null;
    text += `${i === 0 ? '' : ', '}${JSON.stringify(key)}: ${item}`;
  }
  return `${text}}`;
};
