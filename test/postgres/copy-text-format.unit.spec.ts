import { describe, expect, it } from 'vitest';
import { parseCopyLine, unescapeCopyField } from '../../adapters/postgres/copy-text-format.js';

describe('COPY text format', () => {
  it('splits a line on tabs and reads \\N as NULL', () =>
    expect(parseCopyLine('a\t\\N\t\t42')).toEqual(['a', null, '', '42']));

  it('reads the escapes COPY TO writes, and a backslash-N that is text', () => {
    expect(parseCopyLine('x\\ty\t\\\\N\tl1\\nl2\\r\\\\')).toEqual(['x\ty', '\\N', 'l1\nl2\r\\']);
    expect(unescapeCopyField('\\b\\f\\v\\q')).toBe('\b\f\vq');
    expect(unescapeCopyField('{"a":"\\\\u0001"}')).toBe('{"a":"\\u0001"}');
  });
});
