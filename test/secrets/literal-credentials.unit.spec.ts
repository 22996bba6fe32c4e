import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../domain/json/json-value.js';
import {
  LITERAL_CREDENTIAL_MESSAGE,
  literalCredentialProblems,
} from '../../domain/secrets/literal-credentials.js';
import { defaultRedactionPolicy, policyWith } from '../../domain/secrets/redaction-policy.js';

const fields = (template: JsonValue, basePath = 'plan_template') =>
  literalCredentialProblems(template, defaultRedactionPolicy, basePath).map((p) => p.field);

describe('literalCredentialProblems', () => {
  it('names a literal credential in a header by its full path, with the message that says what to do', () => {
    const template = {
      steps: [
        {
          skill: 'http_call',
          params: { url: 'https://x', headers: { Authorization: 'Bearer sk-live-123' } },
        },
      ],
    };
    expect(literalCredentialProblems(template, defaultRedactionPolicy, 'plan_template')).toEqual([
      { field: 'plan_template.steps[0].params.headers.Authorization', message: LITERAL_CREDENTIAL_MESSAGE },
    ]);
    expect(LITERAL_CREDENTIAL_MESSAGE).toContain('{{secret:NAME}}');
    expect(LITERAL_CREDENTIAL_MESSAGE).toContain('AOS_SECRET_NAME');
    expect(LITERAL_CREDENTIAL_MESSAGE).not.toContain('sk-live-123');
  });

  it('joins to a base path that already points into a step, or to none', () => {
    expect(fields({ headers: { 'x-api-key': 'abc' } }, 'plan_template.steps[2].params')).toEqual([
      'plan_template.steps[2].params.headers.x-api-key',
    ]);
    expect(fields({ headers: { 'x-api-key': 'abc' } }, '')).toEqual(['headers.x-api-key']);
  });

  it('accepts references, with a scheme word or as cookie pairs, and empty strings', () => {
    expect(
      fields({
        headers: {
          Authorization: 'Bearer {{secret:API_TOKEN}}',
          'Proxy-Authorization': 'Basic {{secret:PROXY}}',
          'X-API-Key': '{{secret:KEY}}',
          Cookie: 'session={{secret:SESSION}}; csrf={{secret:CSRF}}',
          'X-Auth-Token': '',
        },
      }),
    ).toEqual([]);
  });

  it('matches header names case-insensitively', () => {
    expect(fields({ headers: { AUTHORIZATION: 'x', authorization: 'y', 'X-Api-KEY': 'z' } })).toEqual([
      'plan_template.headers.AUTHORIZATION',
      'plan_template.headers.authorization',
      'plan_template.headers.X-Api-KEY',
    ]);
  });

  it('refuses a literal mixed with a reference', () => {
    expect(fields({ password: 'hunter2{{secret:P}}' })).toEqual(['plan_template.password']);
    expect(fields({ token: '{{secret:T}} hunter2' })).toEqual(['plan_template.token']);
  });

  it('looks inside objects and arrays under a sensitive key; numbers count, null and booleans do not', () => {
    const template = {
      credentials: {
        username: '{{secret:USER}}',
        password: 'hunter2',
        pin: 1234,
        remember: true,
        extra: null,
      },
      secrets: ['{{secret:A}}', 'literal', [5]],
    };
    expect(fields(template, '')).toEqual([
      'credentials.password',
      'credentials.pin',
      'secrets[1]',
      'secrets[2][0]',
    ]);
  });

  it('finds sensitive keys deep in arrays and nested objects, and leaves other keys alone', () => {
    const template = {
      steps: [
        { params: { body: { messages: [{ content: 'my password is hunter2' }], auth: { api_key: 'k' } } } },
      ],
    };
    expect(fields(template)).toEqual(['plan_template.steps[0].params.body.auth.api_key']);
  });

  it('uses the extra patterns of the policy', () => {
    const policy = policyWith(['x-session']);
    if (E.isLeft(policy)) throw new Error(policy.left.message);
    expect(literalCredentialProblems({ 'X-Session': 'abc' }, policy.right, 'p').map((p) => p.field)).toEqual([
      'p.X-Session',
    ]);
    expect(fields({ 'X-Session': 'abc' })).toEqual([]);
  });

  it('accepts templates without credentials, and scalars', () => {
    expect(fields({ steps: [{ skill: 'echo', params: { message: '{{goal}}', max_tokens: 256 } }] })).toEqual(
      [],
    );
    expect(fields('Bearer abc')).toEqual([]);
    expect(fields(null)).toEqual([]);
  });
});
