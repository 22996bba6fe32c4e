import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  defaultRedactionPolicy,
  parsePatternList,
  policyWith,
  sensitiveKeyMatcher,
  type RedactionPolicy,
} from '../../domain/secrets/redaction-policy.js';

const isSensitive = sensitiveKeyMatcher(defaultRedactionPolicy);

const policy = (extra: readonly string[]): RedactionPolicy => {
  const result = policyWith(extra);
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

describe('default redaction policy', () => {
  it.each([
    'Authorization',
    'authorization',
    'AUTHORIZATION',
    'Proxy-Authorization',
    'X-Authorization',
    'Cookie',
    'Set-Cookie',
    'X-API-Key',
    'x-goog-api-key',
    'api_key',
    'OPENAI_API_KEY',
    'apikey',
    'ApiKey',
    'token',
    'access_token',
    'refreshToken',
    'X-Auth-Token',
    'x-amz-security-token',
    'client_secret',
    'secret',
    'Secrets',
    'password',
    'db_password',
    'passwd',
    'private_key',
    'private-key',
    'credentials',
    'aws_credential_file',
  ])('%s is sensitive', (key) => expect(isSensitive(key)).toBe(true));

  it.each([
    'max_tokens',
    'prompt_tokens',
    'token_type',
    'tokenizer',
    'author',
    'auth_method',
    'content-type',
    'url',
    'key',
    'public_key',
    'messages',
    '',
  ])('%j is not sensitive', (key) => expect(isSensitive(key)).toBe(false));
});

describe('glob patterns', () => {
  it('* matches any run of characters, including none; everything else is literal', () => {
    const matches = sensitiveKeyMatcher({ sensitiveKeys: ['x.*-pin', 'a*b*c'] });
    expect(matches('x.-pin')).toBe(true);
    expect(matches('X.user-PIN')).toBe(true);
    expect(matches('xa-pin')).toBe(false); // "." is literal, not "any character"
    expect(matches('abc')).toBe(true);
    expect(matches('aXXbYYc')).toBe(true);
    expect(matches('aXXbYYcd')).toBe(false); // whole key
    expect(matches('ac')).toBe(false);
  });

  it('an empty policy matches nothing, not even the empty key', () => {
    const matches = sensitiveKeyMatcher({ sensitiveKeys: [] });
    expect(matches('')).toBe(false);
    expect(matches('authorization')).toBe(false);
  });

  it('escapes regular-expression characters in hand-built policies', () => {
    const matches = sensitiveKeyMatcher({ sensitiveKeys: ['a+b', '(x)'] });
    expect(matches('a+b')).toBe(true);
    expect(matches('aab')).toBe(false);
    expect(matches('(x)')).toBe(true);
  });
});

describe('policyWith', () => {
  it('adds lower-cased patterns to the defaults, without duplicates', () => {
    const extended = policy(['X-Session', '*_PIN', 'cookie']);
    expect(extended.sensitiveKeys).toEqual([...defaultRedactionPolicy.sensitiveKeys, 'x-session', '*_pin']);
    const matches = sensitiveKeyMatcher(extended);
    expect(matches('x-session')).toBe(true);
    expect(matches('CARD_PIN')).toBe(true);
    expect(matches('authorization')).toBe(true);
  });

  it('can make token matching stricter than the default', () => {
    expect(sensitiveKeyMatcher(policy(['*token*']))('max_tokens')).toBe(true);
  });

  it('adds to a given base policy, leaving it unchanged', () => {
    const base: RedactionPolicy = { sensitiveKeys: ['a'] };
    expect(policyWith(['b'], 'F', base)).toEqual(E.right({ sensitiveKeys: ['a', 'b'] }));
    expect(base.sensitiveKeys).toEqual(['a']);
  });

  it.each([
    [[''], 'entry 1 is empty'],
    [['ok', 'x api key'], 'entry 2 ("x api key") may only hold'],
    [['a/b'], 'entry 1 ("a/b") may only hold'],
    [['tok=en'], 'may only hold'],
    [['ünïcode'], 'may only hold'],
  ])('%j is refused: %s', (extra, message) => {
    const result = policyWith(extra);
    expect(result).toEqual(
      E.left({
        kind: 'invalid_redaction_pattern',
        field: 'AOS_REDACT_KEYS',
        message: expect.stringContaining(message),
      }),
    );
  });

  it('names every bad entry and the field they came from', () => {
    const result = policyWith(['good', '', 'b@d'], 'redact_keys');
    expect(E.isLeft(result) && result.left.field).toBe('redact_keys');
    expect(E.isLeft(result) && result.left.message).toMatch(/entry 2 is empty; entry 3 \("b@d"\)/);
  });
});

describe('parsePatternList', () => {
  it('splits on commas and trims; blank text gives no patterns', () => {
    expect(parsePatternList(' x-session , *_pin ')).toEqual(['x-session', '*_pin']);
    expect(parsePatternList('')).toEqual([]);
    expect(parsePatternList('   ')).toEqual([]);
  });

  it('keeps empty entries so that policyWith can refuse them', () => {
    expect(parsePatternList('a,,b')).toEqual(['a', '', 'b']);
    expect(E.isLeft(policyWith(parsePatternList('a,b,')))).toBe(true);
  });
});
