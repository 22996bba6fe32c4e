import { describe, expect, it } from 'vitest';
import { REDACTED as R, redactJson, scrubSecretValues } from '../../domain/secrets/redaction.js';
import { defaultRedactionPolicy as policy } from '../../domain/secrets/redaction-policy.js';

/**
 * A secret comes back in whatever form the other side wrote it: a URL path encoded by the URL
 * parser (`@` kept), encodeURIComponent (`@` as %40), a form-encoded query (`+` for a space),
 * lower-case escapes, a URL encoded again inside another URL, a JSON string with \u escapes. It is
 * found after percent-decoding (escapes in any case), wherever it sits in the text.
 */
const SECRET = 'pässw@rd';

const hex4 = (code: number) => code.toString(16).padStart(4, '0');
const lowerEscapes = (text: string) => text.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());

/** The ways a service writes text it got back, by name. */
const ENCODERS: Record<string, (secret: string) => string> = {
  'as is': (s) => s,
  encodeURIComponent: (s) => encodeURIComponent(s),
  encodeURI: (s) => encodeURI(s),
  'a URL path (WHATWG URL)': (s) => new URL(`http://h.test/${s}`).pathname.slice(1),
  'a form-encoded query (URLSearchParams)': (s) => new URLSearchParams({ q: s }).toString().slice(2),
  'lower-case escapes': (s) => lowerEscapes(encodeURIComponent(s)),
  'encoded twice (a URL inside a URL)': (s) => encodeURIComponent(encodeURIComponent(s)),
  'encoded twice, lower-case': (s) => lowerEscapes(encodeURIComponent(encodeURIComponent(s))),
  'a JSON string': (s) => JSON.stringify(s).slice(1, -1),
  'a JSON string in ASCII (\\u escapes)': (s) =>
    JSON.stringify(s)
      .slice(1, -1)
      .replace(/[\u007f-\uffff]/g, (c) => `\\u${hex4(c.charCodeAt(0))}`),
  'a JSON string in ASCII, upper-case hex': (s) =>
    JSON.stringify(s)
      .slice(1, -1)
      .replace(/[\u007f-\uffff]/g, (c) => `\\u${hex4(c.charCodeAt(0)).toUpperCase()}`),
};

const SECRETS = [
  SECRET,
  'sk-live-0123456789abcdef',
  'with space and+plus',
  'quote"back\\slash/slash',
  'emoji😀key',
  'percent%41literal',
  "ünïcödé:;,=&$!~*()'",
];

describe('scrubbing a secret in any encoding it comes back in', () => {
  it.each(Object.keys(ENCODERS))('finds %s of every secret, in the middle of other text', (name) => {
    const encode = ENCODERS[name] as (secret: string) => string;
    for (const secret of SECRETS) {
      const form = encode(secret);
      // The URL parser turns a backslash in a path into "/": what goes out there is not the secret.
      if (name.startsWith('a URL path') && decodeURIComponent(form) !== secret) continue;
      expect(scrubSecretValues(`before /${form}/ after`, [secret]), `${secret} as ${form}`).toBe(
        `before /${R}/ after`,
      );
    }
  });

  it('finds the forms of the issue: /p%C3%A4ssw@rd, lower-case escapes, and mixes', () => {
    for (const form of [
      '/p%C3%A4ssw@rd',
      '/p%c3%a4ssw@rd',
      '/p%c3%A4ssw%40rd',
      '/p%C3%A4ssw%40rd',
      '/%70%C3%A4ssw@rd',
      '/p\\u00e4ssw@rd',
    ])
      expect(scrubSecretValues(`GET ${form} HTTP/1.1`, [SECRET]), form).toBe(`GET /${R} HTTP/1.1`);
  });

  it('keeps text that decodes to something else: another letter, another case, a broken escape', () => {
    for (const text of ['/p%C3%A4ssw@rX', '/PÄSSW@RD', '/p%C3ssw@rd', '/p%C3%A4ssw@@rd', '/pässw rd'])
      expect(scrubSecretValues(text, [SECRET])).toBe(text);
    expect(scrubSecretValues('percent%41literal and percentAliteral', ['percent%41literal'])).toBe(
      `${R} and percentAliteral`,
    );
  });

  it('takes a secret with a lone surrogate literally and JSON-escaped (it has no percent form)', () => {
    const secret = 'abc\uD800def';
    expect(scrubSecretValues(`x${secret}y`, [secret])).toBe(`x${R}y`);
    expect(scrubSecretValues('x abc\\ud800def y', [secret])).toBe(`x ${R} y`);
  });

  it('redacts the echoed forms in an outcome, and is stable when applied again', () => {
    const outcome = {
      body: {
        path: '/p%C3%A4ssw@rd',
        lower: '/p%c3%a4ssw@rd',
        link: `https://x.test/?from=${encodeURIComponent('/p%C3%A4ssw@rd')}`,
        text: `{"path":"/p\\u00e4ssw@rd"}`,
      },
    };
    const once = redactJson(outcome, policy, [SECRET]);
    expect(once).toEqual({
      body: { path: `/${R}`, lower: `/${R}`, link: `https://x.test/?from=%2F${R}`, text: `{"path":"/${R}"}` },
    });
    expect(redactJson(once, policy, [SECRET])).toEqual(once);
  });
});
