import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../domain/json/json-value.js';
import { redactJson } from '../../domain/secrets/redaction.js';
import { defaultRedactionPolicy } from '../../domain/secrets/redaction-policy.js';

/** mulberry32: a small seeded generator, so a failure can be replayed from its seed. */
const generator = (seed: number) => {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick };
};
type Random = ReturnType<typeof generator>;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_/:?&="{}';
const KEYS = [
  'a',
  'data',
  'items',
  'Authorization',
  'url',
  'max_tokens',
  'token',
  'body',
  'x-api-key',
  'message',
  'Cookie',
  'nested',
];

const text = (r: Random, length = r.int(12)): string =>
  Array.from({ length }, () => r.pick([...ALPHABET])).join('');

const secretFor = (r: Random): string =>
  `${text(r, 2 + r.int(4)).replace(/[^A-Za-z0-9]/g, 'q')}Zk${Array.from({ length: 6 + r.int(20) }, () => r.pick([...'abcdefghijklmnopqrstuvwxyz0123456789+/=.'])).join('')}`;

/** Random JSON where, at random places, a string holds the secret alone, as a prefix or suffix,
 * in the middle of other text, repeated, or percent-encoded. */
const randomJson = (r: Random, secret: string, depth: number): JsonValue => {
  const planted = (): string => {
    const around = [
      secret,
      `${text(r)}${secret}`,
      `${secret}${text(r)}`,
      `${text(r)}${secret}${text(r)}`,
      `${secret}${secret}`,
      `q=${encodeURIComponent(secret)}`,
    ];
    return r.pick(around);
  };
  const choice = r.int(depth > 3 ? 5 : 8);
  switch (choice) {
    case 0:
      return null;
    case 1:
      return r.next() < 0.5;
    case 2:
      return r.int(100000) - 50000;
    case 3:
      return text(r);
    case 4:
      return planted();
    case 5:
    case 6:
      return Array.from({ length: r.int(4) }, () => randomJson(r, secret, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: r.int(4) }, () => [
          r.pick(KEYS) + (r.next() < 0.3 ? text(r, 2) : ''),
          randomJson(r, secret, depth + 1),
        ]),
      );
  }
};

describe('redactJson: a planted secret never survives', () => {
  it('holds for 500 random documents', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const r = generator(seed);
      const secret = secretFor(r);
      const value = randomJson(r, secret, 0);
      const before = JSON.stringify(value);
      const redacted = JSON.stringify(redactJson(value, defaultRedactionPolicy, [secret]));
      expect(redacted.includes(secret), `seed ${seed}: ${redacted}`).toBe(false);
      expect(redacted.includes(encodeURIComponent(secret)), `seed ${seed}`).toBe(false);
      expect(JSON.stringify(value), `seed ${seed} mutated its input`).toBe(before);
    }
  });

  it('holds alongside other secrets, longer and shorter, sharing a prefix', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const r = generator(seed * 7919);
      const secret = secretFor(r);
      const others = [secret.slice(0, 5), `${secret}${text(r, 3)}`, secretFor(r)];
      const redacted = JSON.stringify(
        redactJson(randomJson(r, secret, 0), defaultRedactionPolicy, [...others, secret]),
      );
      expect(redacted.includes(secret), `seed ${seed}: ${redacted}`).toBe(false);
    }
  });
});
