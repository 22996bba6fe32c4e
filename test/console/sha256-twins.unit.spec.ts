import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as page from '../../console/proof/browser-sha256.js';
import * as worker from '../../console/proof/worker-sha256.js';
import * as domain from '../../domain/proof/sha256.js';

// Given the console's two stand-ins for domain/proof/sha256.ts (the page's over @noble/hashes, the
// worker's over hash-wasm), when they hash what a proof hashes, then they give the domain's bytes.
describe.each([
  ['the page', page],
  ['the worker', worker],
])("%s's SHA-256 twin", (_name, twin) => {
  it('hashes parts, pairs and prefixed texts as the domain does', () => {
    for (let i = 0; i < 200; i++) {
      const parts = Array.from({ length: 1 + (i % 4) }, (_, k) => randomBytes((i * 7 + k * 13) % 300));
      expect(twin.toHex(twin.sha256(...parts))).toBe(domain.toHex(domain.sha256(...parts)));
      const [left, right] = [randomBytes(32), randomBytes(i % 5 === 0 ? 31 : 32)];
      expect(twin.sha256OfPair(i % 2, left, right)).toEqual(domain.sha256OfPair(i % 2, left, right));
      const text = `{"step":${i},"note":"ünïcödé ✓ 𝄞 ${'x'.repeat(i * 40)}"}`;
      expect(twin.sha256OfPrefixedText(0, text)).toEqual(domain.sha256OfPrefixedText(0, text));
    }
  });

  it('reads hex as the domain does, and an invalid hex as no bytes', () => {
    const bytes = randomBytes(32);
    expect(twin.fromHex(domain.toHex(bytes))).toEqual(new Uint8Array(bytes));
    expect(twin.fromHex('zz')).toEqual(new Uint8Array(0));
  });
});
