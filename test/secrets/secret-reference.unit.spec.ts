import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../domain/json/json-value.js';
import {
  isReferenceOnly,
  malformedSecretReferences,
  mentionsSecretReference,
  resolveSecretReferences,
  secretEnvironmentVariable,
  secretReferencesIn,
} from '../../domain/secrets/secret-reference.js';

const params: JsonValue = {
  url: 'https://api.example.com/v1?key={{secret:QUERY_KEY}}',
  headers: { Authorization: 'Bearer {{secret:API_TOKEN}}', 'X-Trace': 'plain' },
  messages: [{ role: 'user', content: 'use {{secret:A}} and {{secret:B_2}}, then {{secret:A}} again' }],
  count: 3,
  flag: true,
  nothing: null,
};

const env: Record<string, string> = {
  QUERY_KEY: 'qk-123456',
  API_TOKEN: 'tok-abcdef',
  A: 'alpha-secret',
  B_2: 'beta-secret',
};
const lookup = (name: string): string | undefined => env[name];

describe('secret reference syntax', () => {
  it.each(['A', 'API_TOKEN', 'X1', 'A'.repeat(64), 'DB_PASSWORD_2'])('%s is a valid name', (name) => {
    expect(secretReferencesIn(`{{secret:${name}}}`)).toEqual([{ name, path: '' }]);
    expect(malformedSecretReferences(`{{secret:${name}}}`)).toEqual([]);
  });
  it.each(['', 'a', 'api_token', 'Api', '1A', '_A', 'A-B', 'A B', 'A'.repeat(65)])(
    '%j is not a valid name',
    (name) => {
      expect(secretReferencesIn(`{{secret:${name}}}`)).toEqual([]);
      expect(malformedSecretReferences(`{{secret:${name}}}`)).toHaveLength(1);
    },
  );

  it('names the environment variable a secret comes from', () => {
    expect(secretEnvironmentVariable('API_TOKEN')).toBe('AOS_SECRET_API_TOKEN');
  });
});

describe('secretReferencesIn', () => {
  it('finds references in nested objects and arrays, embedded in longer strings, in document order', () => {
    expect(secretReferencesIn(params)).toEqual([
      { name: 'QUERY_KEY', path: 'url' },
      { name: 'API_TOKEN', path: 'headers.Authorization' },
      { name: 'A', path: 'messages[0].content' },
      { name: 'B_2', path: 'messages[0].content' },
      { name: 'A', path: 'messages[0].content' },
    ]);
  });

  it('ignores object keys, malformed references and values that are not strings', () => {
    expect(
      secretReferencesIn({
        '{{secret:KEY}}': 'x',
        a: '{{secret:lower}}',
        b: '{{ secret:A }}',
        c: 1,
        d: [null, false],
      }),
    ).toEqual([]);
  });

  it('reads a bare string and a top-level array (root path is empty)', () => {
    expect(secretReferencesIn('{{secret:X}}')).toEqual([{ name: 'X', path: '' }]);
    expect(secretReferencesIn(['a', '{{secret:X}}'])).toEqual([{ name: 'X', path: '[1]' }]);
  });
});

describe('malformedSecretReferences', () => {
  it.each([
    ['{{secret:api_token}}', 'the secret name is not valid'],
    ['Bearer {{secret:API_TOKEN}', 'missing the closing "}}"'],
    ['{{secret:API_TOKEN', 'missing the closing "}}"'],
    ['{{secret:}}', 'missing the secret name'],
    ['{{ secret:API_TOKEN }}', 'expected exactly "{{secret:"'],
    ['{{SECRET:API_TOKEN}}', 'expected exactly "{{secret:"'],
    ['{secret:API_TOKEN}}', 'expected exactly "{{secret:"'],
    ['{{secret:API TOKEN}}', 'the secret name is not valid'],
    [`{{secret:${'A'.repeat(65)}}}`, 'the secret name is not valid'],
    ['{{secret:GOOD}} and {{secret:bad}}', 'the secret name is not valid'],
  ])('%j: %s', (text, reason) => {
    const problems = malformedSecretReferences({ headers: { Authorization: text } });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('headers.Authorization');
    expect(problems[0]?.message).toContain(reason);
    expect(problems[0]?.message).toContain('{{secret:NAME}}');
  });

  it('accepts well-formed references and ordinary text with braces', () => {
    expect(malformedSecretReferences(params)).toEqual([]);
    expect(
      malformedSecretReferences({
        body: '{"secret": "x"}',
        t: '{{goal}}',
        u: '{{steps.0.outcome.data}}',
        v: 'secret: yes',
      }),
    ).toEqual([]);
  });

  it('does not quote the text, which may hold a pasted secret', () => {
    const [problem] = malformedSecretReferences({ a: [{ b: '{{secret:sk-live-9f8e7d6c}}' }] });
    expect(problem?.path).toBe('a[0].b');
    expect(problem?.message).not.toContain('sk-live');
  });

  it('reports a reference in an object key: keys are not templated', () => {
    expect(malformedSecretReferences({ headers: { '{{secret:KEY}}': 'v' } })).toEqual([
      { path: 'headers.{{secret:KEY}}', message: expect.stringContaining('keys are not templated') },
    ]);
  });
});

describe('isReferenceOnly and mentionsSecretReference', () => {
  it.each([
    '{{secret:T}}',
    'Bearer {{secret:T}}',
    'Basic {{secret:T}}',
    'token {{secret:T}}',
    '{{secret:A}}{{secret:B}}',
    'session={{secret:S}}; csrf={{secret:C}}',
  ])('%j only names secrets', (text) => expect(isReferenceOnly(text)).toBe(true));
  it.each([
    '',
    'Bearer abc',
    'Bearer abc{{secret:T}}',
    '{{secret:T}}x',
    'sk123 {{secret:T}}',
    'Bearer  {{secret:t}}',
    'a b {{secret:T}}',
    'Bearer {{secret:T}} extra',
  ])('%j is not only references', (text) => expect(isReferenceOnly(text)).toBe(false));

  it('spots references and attempts at them in free text such as a goal', () => {
    expect(mentionsSecretReference('send {{secret:DB_PASSWORD}} to me')).toBe(true);
    expect(mentionsSecretReference('send {{ Secret : db }} to me')).toBe(true);
    expect(mentionsSecretReference('summarise the secret: report')).toBe(false);
  });
});

describe('resolveSecretReferences', () => {
  it('substitutes values everywhere, embedded too, and lists the distinct values used', () => {
    const result = resolveSecretReferences(params, lookup);
    expect(result).toEqual(
      E.right({
        resolved: {
          url: 'https://api.example.com/v1?key=qk-123456',
          headers: { Authorization: 'Bearer tok-abcdef', 'X-Trace': 'plain' },
          messages: [{ role: 'user', content: 'use alpha-secret and beta-secret, then alpha-secret again' }],
          count: 3,
          flag: true,
          nothing: null,
        },
        secretValues: ['qk-123456', 'tok-abcdef', 'alpha-secret', 'beta-secret'],
      }),
    );
  });

  it('does not template object keys', () => {
    expect(resolveSecretReferences({ '{{secret:A}}': '{{secret:A}}' }, lookup)).toEqual(
      E.right({ resolved: { '{{secret:A}}': 'alpha-secret' }, secretValues: ['alpha-secret'] }),
    );
  });

  it('names the missing secret and where it is referenced, never a value', () => {
    const result = resolveSecretReferences(params, (name) => (name === 'B_2' ? undefined : env[name]));
    expect(result).toEqual(E.left({ kind: 'secret_not_set', name: 'B_2', path: 'messages[0].content' }));
    expect(JSON.stringify(result)).not.toMatch(/qk-123456|tok-abcdef|alpha-secret/);
  });

  it('treats an empty value as not set, and reports the first missing reference in document order', () => {
    expect(resolveSecretReferences(params, () => '')).toEqual(
      E.left({ kind: 'secret_not_set', name: 'QUERY_KEY', path: 'url' }),
    );
  });

  it('substitutes in one pass: values are not re-expanded and $ patterns are taken literally', () => {
    const values: Record<string, string> = { A: '{{secret:B}}', B: 'never', C: '$&$1$$' };
    expect(resolveSecretReferences(['{{secret:A}}', 'x{{secret:C}}y'], (name) => values[name])).toEqual(
      E.right({ resolved: ['{{secret:B}}', 'x$&$1$$y'], secretValues: ['{{secret:B}}', '$&$1$$'] }),
    );
  });

  it('looks each name up once and leaves values without references alone', () => {
    const asked: string[] = [];
    resolveSecretReferences(
      { a: '{{secret:A}}', b: ['{{secret:A}}'] },
      (name) => (asked.push(name), 'value-a'),
    );
    expect(asked).toEqual(['A']);
    expect(resolveSecretReferences({ a: 1 }, () => undefined)).toEqual(
      E.right({ resolved: { a: 1 }, secretValues: [] }),
    );
  });

  it('does not mutate its input', () => {
    const input = structuredClone(params);
    resolveSecretReferences(input, lookup);
    expect(input).toEqual(params);
  });
});
