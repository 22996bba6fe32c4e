import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../domain/json/json-value.js';
import {
  MIN_SCRUBBED_SECRET_LENGTH,
  REDACTED,
  redactJson,
  scrubSecretValues,
} from '../../domain/secrets/redaction.js';
import { defaultRedactionPolicy as policy } from '../../domain/secrets/redaction-policy.js';
import { resolveSecretReferences } from '../../domain/secrets/secret-reference.js';

const R = REDACTED;

describe('redactJson: values under sensitive keys', () => {
  it('redacts a literal under Authorization, whatever the case of the header name', () => {
    expect(
      redactJson(
        { headers: { Authorization: 'Bearer abc', AUTHORIZATION: 'x', authorization: 'y' } },
        policy,
        [],
      ),
    ).toEqual({
      headers: { Authorization: R, AUTHORIZATION: R, authorization: R },
    });
  });

  it('keeps a value that only names secrets: it is a reference, not a secret', () => {
    const value = {
      headers: {
        Authorization: 'Bearer {{secret:T}}',
        'X-Api-Key': '{{secret:K}}',
        Cookie: 'sid={{secret:S}}',
      },
    };
    expect(redactJson(value, policy, [])).toEqual(value);
  });

  it('redacts a reference mixed with a literal, or a malformed one', () => {
    expect(redactJson({ token: 'abc{{secret:T}}', password: '{{secret:lower}}' }, policy, [])).toEqual({
      token: R,
      password: R,
    });
  });

  it('redacts numbers, booleans, objects and arrays under a sensitive key as a whole', () => {
    expect(
      redactJson(
        {
          pin_password: 1234,
          secret: true,
          credentials: { user: 'u', pass: 'p' },
          tokens_secret: ['a', { b: 1 }],
        },
        policy,
        [],
      ),
    ).toEqual({
      pin_password: R,
      secret: R,
      credentials: R,
      tokens_secret: R,
    });
  });

  it('keeps empty strings and null under a sensitive key: they hold nothing', () => {
    expect(redactJson({ Authorization: '', token: null }, policy, [])).toEqual({
      Authorization: '',
      token: null,
    });
  });

  it('finds sensitive keys in nested objects inside arrays, and keeps ordinary keys and values', () => {
    const value: JsonValue = {
      steps: [
        { params: { headers: { 'x-api-key': 'k1' }, body: { max_tokens: 10, text: 'hello' } } },
        3,
        null,
      ],
    };
    expect(redactJson(value, policy, [])).toEqual({
      steps: [{ params: { headers: { 'x-api-key': R }, body: { max_tokens: 10, text: 'hello' } } }, 3, null],
    });
  });

  it('uses the policy it is given', () => {
    expect(redactJson({ Authorization: 'x', session: 'y' }, { sensitiveKeys: ['session'] }, [])).toEqual({
      Authorization: 'x',
      session: R,
    });
  });
});

describe('redactJson: secret values anywhere', () => {
  const secret = 'tok-9f8e7d6c5b4a';

  it('replaces a secret inside longer strings: an echoed header, a URL query', () => {
    const outcome = {
      body: `{"headers":{"authorization":"Bearer ${secret}"}}`,
      url: `https://x.test/cb?access=${secret}&page=2`,
    };
    expect(redactJson(outcome, policy, [secret])).toEqual({
      body: `{"headers":{"authorization":"Bearer ${R}"}}`,
      url: `https://x.test/cb?access=${R}&page=2`,
    });
  });

  it('replaces secrets deep in nested outcome data, every occurrence', () => {
    const outcome = { data: { items: [{ note: `${secret}/${secret}` }, [[`a ${secret} b`]]], count: 2 } };
    expect(redactJson(outcome, policy, [secret])).toEqual({
      data: { items: [{ note: `${R}/${R}` }, [[`a ${R} b`]]], count: 2 },
    });
  });

  it('replaces the percent-encoded and JSON-escaped forms too', () => {
    const odd = 'p@ss word"/\\x';
    const text = `q=${encodeURIComponent(odd)} json=${JSON.stringify(odd)} raw=${odd}`;
    expect(redactJson(text, policy, [odd])).toBe(`q=${R} json="${R}" raw=${R}`);
  });

  it('replaces the longest of overlapping secrets first', () => {
    expect(scrubSecretValues('key=abcd1234efgh', ['abcd', 'abcd1234efgh'])).toBe(`key=${R}`);
    expect(scrubSecretValues('xx-abcd1234-yy', ['1234', 'abcd1234'])).toBe(`xx-${R}-yy`);
  });

  it(`does not scrub secrets shorter than ${MIN_SCRUBBED_SECRET_LENGTH} characters out of text, but still redacts them by key`, () => {
    // A 1-3 character secret ("7", "ab", "yes") occurs in ordinary text all the time: replacing every
    // occurrence would shred outcomes while protecting almost nothing.
    expect(
      redactJson({ message: 'a cab, a yes, a 7', password: 'yes' }, policy, ['ab', 'yes', '7', '']),
    ).toEqual({ message: 'a cab, a yes, a 7', password: R });
    expect(scrubSecretValues('abcd', ['abcd'])).toBe(R);
  });

  it('redacts a number whose JSON text holds a secret, and leaves keys alone', () => {
    expect(
      redactJson({ code: 98765432, other: 1, [`k-${secret}`]: 'v' }, policy, ['98765432', secret]),
    ).toEqual({ code: R, other: 1, [`k-${secret}`]: 'v' });
  });

  it('takes secret values literally, not as patterns', () => {
    expect(scrubSecretValues('a.b* and a-b', ['a.b*'])).toBe(`${R} and a-b`);
    expect(scrubSecretValues('x$&$1y', ['$&$1'])).toBe(`x${R}y`);
  });

  it('scrubs a reference kept under a sensitive key too, in case a value is part of it', () => {
    expect(redactJson({ Authorization: 'Bearer {{secret:TOKEN}}' }, policy, ['TOKEN'])).toEqual({
      Authorization: `Bearer {{secret:${R}}}`,
    });
  });
});

describe('redactJson: properties', () => {
  const input: JsonValue = {
    headers: { Authorization: 'Bearer s3cr3t-value' },
    body: { echo: 's3cr3t-value', list: [1, 's3cr3t-value', { token: 'x' }] },
  };

  it('does not mutate its input and is deterministic', () => {
    const before = structuredClone(input);
    const once = redactJson(input, policy, ['s3cr3t-value']);
    expect(input).toEqual(before);
    expect(redactJson(input, policy, ['s3cr3t-value'])).toEqual(once);
  });

  it('is stable when applied again', () => {
    const once = redactJson(input, policy, ['s3cr3t-value']);
    expect(redactJson(once, policy, ['s3cr3t-value'])).toEqual(once);
  });

  it('keeps a __proto__ key as data', () => {
    const value = JSON.parse('{"__proto__": {"token": "t"}, "a": 1}') as JsonValue;
    const redacted = redactJson(value, policy, []) as Record<string, JsonValue>;
    expect(Object.keys(redacted)).toEqual(['__proto__', 'a']);
    expect(JSON.stringify(redacted)).toBe('{"__proto__":{"token":"[REDACTED]"},"a":1}');
  });
});

describe('resolve then redact', () => {
  it('the params a skill got and what it returned carry no secret once redacted', () => {
    const template = {
      url: 'https://x.test/?k={{secret:QUERY_KEY}}',
      headers: { Authorization: 'Bearer {{secret:API_TOKEN}}' },
    };
    const env: Record<string, string> = { QUERY_KEY: 'query-key-1', API_TOKEN: 'api-token-2' };
    const result = resolveSecretReferences(template, (name) => env[name]);
    if (E.isLeft(result)) throw new Error('unexpected');
    const { resolved, secretValues } = result.right;
    const outcome = { status: 200, echoed: resolved };
    const stored = JSON.stringify([
      redactJson(template, policy, secretValues),
      redactJson(resolved, policy, secretValues),
      redactJson(outcome, policy, secretValues),
    ]);
    expect(stored).not.toMatch(/query-key-1|api-token-2/);
    expect(redactJson(template, policy, secretValues)).toEqual(template);
    expect(redactJson(resolved, policy, secretValues)).toEqual({
      url: `https://x.test/?k=${R}`,
      headers: { Authorization: R },
    });
  });
});
