/** PostgreSQL's COPY text format as COPY ... TO STDOUT writes it: one row per line, fields
 * separated by a tab, `\N` for NULL, and in a field a backslash, backspace, form feed, newline,
 * carriage return, tab and vertical tab written as `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, `\v`
 * (PostgreSQL docs, "COPY", File Formats: Text Format). Every other character is written as is, so a
 * field without a backslash is its own text. */
export type CopyField = string | null;

const NULL_FIELD = '\\N';

const ESCAPED: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

const ESCAPE_SEQUENCE = /\\(.)/gs;

/** The text of one field; COPY FROM reads a backslash before any other character as that
 * character, and so does this. */
export const unescapeCopyField = (field: string): string =>
  field.includes('\\') ? field.replace(ESCAPE_SEQUENCE, (_, c: string) => ESCAPED[c] ?? c) : field;

/** The fields of one line (without its newline). */
export const parseCopyLine = (line: string): CopyField[] => {
  const fields: CopyField[] = line.split('\t');
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as string;
    if (field.includes('\\')) fields[i] = field === NULL_FIELD ? null : unescapeCopyField(field);
  }
  return fields;
};
