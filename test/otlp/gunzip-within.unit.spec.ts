import { gzipSync } from 'node:zlib';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { gunzipWithin } from '../../adapters/otlp/gunzip-within.js';

describe('gunzipWithin', () => {
  const text = new TextEncoder().encode('{"resourceSpans":[]}'.repeat(100));

  it('decompresses a gzip body within the cap, up to exactly the cap', () => {
    const result = gunzipWithin(gzipSync(text), text.length);
    expect(E.isRight(result) && Buffer.from(result.right).equals(Buffer.from(text))).toBe(true);
  });

  it('refuses a body that inflates past the cap, by one byte', () => {
    expect(gunzipWithin(gzipSync(text), text.length - 1)).toEqual(
      E.left({ kind: 'too_large', maxBytes: text.length - 1 }),
    );
    expect(gunzipWithin(gzipSync(text.subarray(0, 1)), 0)).toEqual(
      E.left({ kind: 'too_large', maxBytes: 0 }),
    );
  });

  it('refuses a zip bomb (64 MiB of zeros in a few kilobytes) at a 1 MiB cap', () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(100_000);
    expect(gunzipWithin(bomb, 1024 * 1024)).toEqual(E.left({ kind: 'too_large', maxBytes: 1024 * 1024 }));
  });

  it('refuses a body that is not gzip, and one cut short', () => {
    expect(gunzipWithin(text, 1_000_000)).toEqual(
      E.left({ kind: 'bad_gzip', message: expect.stringMatching(/incorrect header check/) }),
    );
    const truncated = gzipSync(text).subarray(0, 20);
    expect(gunzipWithin(truncated, 1_000_000)).toEqual(
      E.left({ kind: 'bad_gzip', message: expect.stringMatching(/unexpected end of file/) }),
    );
  });
});
