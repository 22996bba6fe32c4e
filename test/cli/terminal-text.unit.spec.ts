import { describe, expect, it } from 'vitest';
import { unsafeTextCharacter } from '../../domain/json/control-characters.js';
import { renderTable, tsvOf } from '../../cli/table-output.js';
import { shown, terminalText } from '../../cli/terminal-text.js';

const at = (code: number) => String.fromCharCode(code);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const C0 = range(0x00, 0x1f);
const C1_AND_DEL = range(0x7f, 0x9f);
const BIDI_CONTROLS = [...range(0x202a, 0x202e), ...range(0x2066, 0x2069)];
const SEPARATORS = [0x2028, 0x2029];
const UNSAFE = [...C0, ...C1_AND_DEL, ...BIDI_CONTROLS, ...SEPARATORS];
/** Nothing a terminal acts on is left: only printable characters, and for terminalText LF and TAB. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const RAW_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('shown: a data value as it may be printed inside a line', () => {
  it.each([
    ['ESC', '\u001b[31mred', '\\u001b[31mred'],
    ['NUL', 'a\u0000b', 'a\\u0000b'],
    ['LF', 'a\nb', 'a\\nb'],
    ['CR', 'a\rb', 'a\\rb'],
    ['TAB', 'a\tb', 'a\\tb'],
    ['BEL and BS', '\u0007\u0008', '\\u0007\\u0008'],
    ['DEL', 'a\u007f', 'a\\u007f'],
    ['C1 NEL and CSI', '\u0085\u009b2J', '\\u0085\\u009b2J'],
    ['RLO', 'invoice\u202egpj.exe', 'invoice\\u202egpj.exe'],
    ['LRI and PDI', '\u2066x\u2069', '\\u2066x\\u2069'],
    ['LINE SEPARATOR', 'a\u2028b', 'a\\u2028b'],
    ['PARAGRAPH SEPARATOR', 'a\u2029b', 'a\\u2029b'],
  ])('escapes %s', (_name, value, expected) => {
    expect(shown(value)).toBe(expected);
  });

  it('escapes every C0 and C1 control, DEL, bidi control and separator, and nothing is left raw', () => {
    for (const code of UNSAFE) {
      const out = shown(`x${at(code)}y`);
      expect(out, `U+${code.toString(16)}`).not.toMatch(RAW_UNSAFE);
      expect(out).toMatch(/^x\\(n|r|t|u[0-9a-f]{4})y$/);
    }
  });

  it('escapes exactly what the domain refuses in goals and names (every UTF-16 code unit)', () => {
    for (let code = 0; code <= 0xffff; code++) {
      const refused = unsafeTextCharacter(at(code)) !== null;
      expect(shown(at(code)) !== at(code), `U+${code.toString(16)}`).toBe(refused);
    }
  });

  it('leaves printable text alone: any script, marks, emoji, quotes, backslashes', () => {
    for (const text of ['Résumé ✓ 日本 — "q"\\', 'שלום\u200f', 'a\u00a0b', '🚀', 'tenant-a', ''])
      expect(shown(text)).toBe(text);
  });

  it('prints numbers, booleans and null as String does', () => {
    expect([shown(3), shown(true), shown(null)]).toEqual(['3', 'true', 'null']);
  });

  it('escapes the few unsafe characters of a megabyte of printable text and leaves the rest as it is', () => {
    const long = `${'row of text '.repeat(90_000)}\u001b${'x'.repeat(1000)}\u202e`;
    expect(shown(long)).toBe(`${'row of text '.repeat(90_000)}\\u001b${'x'.repeat(1000)}\\u202e`);
  });
});

describe("terminalText: the CLI's own text, its lines and columns kept", () => {
  it('keeps LF and TAB and escapes everything else a terminal acts on', () => {
    expect(terminalText('a\tb\nc')).toBe('a\tb\nc');
    expect(terminalText('a\r\nb\u001b[2J\u202e\u2028')).toBe('a\\r\nb\\u001b[2J\\u202e\\u2028');
    for (const code of UNSAFE.filter((c) => c !== 0x0a && c !== 0x09))
      expect(terminalText(at(code)), `U+${code.toString(16)}`).not.toMatch(RAW_UNSAFE);
  });

  it('leaves text already shown as it is', () => {
    const value = shown('\u001b[31m\nVerification status: VERIFIED\u202e');
    expect(terminalText(`Bundle: ${value}\nVerification status: FAILED`)).toBe(
      `Bundle: ${value}\nVerification status: FAILED`,
    );
  });
});

describe('renderTable shows each cell on its row', () => {
  it('escapes control, bidi and separator characters in cells', async () => {
    const table = await renderTable(
      {
        head: ['name', 'goal'],
        rows: [['agent\u001b[31m', 'line\nVerification status: VERIFIED\u2028\u202e']],
      },
      undefined,
    );
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    expect(table).not.toMatch(/[\u001b\u2028\u202e]/);
    expect(table.split('\n')).toHaveLength(5);
    expect(table).toContain('agent\\u001b[31m');
    expect(table).toContain('line\\nVerification status: VERIFIED\\u2028\\u202e');
  });
});

describe('tables fit the terminal', () => {
  const wide = {
    head: ['id', 'status', 'description'],
    rows: [
      ['0f8e2b1c-5d4a-4c3b-9a21-7e6f5d4c3b2a', 'succeeded', 'word '.repeat(60).trim()],
      ['short', 'failed', 'a description that is long enough to need wrapping at eighty columns'],
    ],
    wrap: ['description'],
  };
  const widest = (text: string) => Math.max(...text.split('\n').map((line) => line.length));

  it('keeps every line within the width, narrowing the free-text column first', async () => {
    const table = await renderTable(wide, 80);
    expect(widest(table)).toBeLessThanOrEqual(80);
    // The id is not cut: the description wrapped instead.
    expect(table).toContain('0f8e2b1c-5d4a-4c3b-9a21-7e6f5d4c3b2a');
    expect(table.split('\n').length).toBeGreaterThan(7);
  });

  it('narrows every column when the free text alone is not enough', async () => {
    expect(widest(await renderTable(wide, 40))).toBeLessThanOrEqual(40);
  });

  it('is as wide as its text without a width (a pipe)', async () => {
    const table = await renderTable(wide, undefined);
    expect(widest(table)).toBeGreaterThan(300);
    expect(table.split('\n')).toHaveLength(7);
  });
});

describe('TSV', () => {
  it('is one line per row and one field per cell, tabs, line breaks and backslashes escaped', () => {
    const tsv = tsvOf({
      head: ['a', 'b'],
      rows: [
        ['x\ty\nz\\', null],
        [1, true],
      ],
    });
    expect(tsv.split('\n')).toEqual(['a\tb', 'x\\ty\\nz\\\\\t', '1\ttrue']);
  });
});
