import { describe, expect, it } from 'vitest';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import type { SkillContext } from '../../domain/ports/skill.js';
import {
  createHttpCallSkill,
  httpCallSkill,
  type AddressLookup,
  type HttpCallParams,
} from '../../adapters/skills/http-call-skill.js';

const decodeErrors = (input: unknown): string[] => {
  const decoded = httpCallSkill.params.decode(input);
  return decoded._tag === 'Left' ? describeDecodeErrors(decoded.left) : [];
};

const decode = (input: unknown): HttpCallParams => {
  const decoded = httpCallSkill.params.decode(input);
  if (decoded._tag === 'Left') throw new Error(describeDecodeErrors(decoded.left).join('; '));
  return decoded.right;
};

const context = (allowedHosts: readonly string[] = []): SkillContext => ({
  signal: new AbortController().signal,
  previousOutcomes: new Map(),
  allowedHosts,
});

describe('http_call params', () => {
  it('accepts the example plan step and every optional field', () => {
    expect(decodeErrors({ method: 'GET', url: 'http://127.0.0.1:8080/status', timeout_ms: 5000 })).toEqual(
      [],
    );
    expect(
      decodeErrors({
        method: 'POST',
        url: 'https://api.example.com/v1',
        timeout_ms: 60_000,
        headers: { 'x-api-key': 'k', Accept: 'application/json' },
        body: { a: [1, null, 'x'] },
        max_response_bytes: 10 * 1024 * 1024,
      }),
    ).toEqual([]);
  });

  it.each([
    [{ method: 'get', url: 'http://a.example/' }, 'method'],
    [{ method: 'CONNECT', url: 'http://a.example/' }, 'method'],
    [{ url: 'http://a.example/' }, 'method'],
    [{ method: 'GET', url: 'not a url' }, 'url'],
    [{ method: 'GET', url: 'ftp://a.example/file' }, 'url'],
    [{ method: 'GET', url: 'file:///etc/passwd' }, 'url'],
    [{ method: 'GET', url: 'http://user:secret@a.example/' }, 'url'],
    [{ method: 'GET', url: `http://a.example/${'x'.repeat(2048)}` }, 'url'],
    [{ method: 'GET', url: 'http://a.example/', timeout_ms: 0 }, 'timeout_ms'],
    [{ method: 'GET', url: 'http://a.example/', timeout_ms: 60_001 }, 'timeout_ms'],
    [{ method: 'GET', url: 'http://a.example/', timeout_ms: 1.5 }, 'timeout_ms'],
    [{ method: 'GET', url: 'http://a.example/', max_response_bytes: 0 }, 'max_response_bytes'],
    [
      { method: 'GET', url: 'http://a.example/', max_response_bytes: 10 * 1024 * 1024 + 1 },
      'max_response_bytes',
    ],
    [{ method: 'GET', url: 'http://a.example/', headers: { 'x-n': 1 } }, 'headers.x-n'],
    [{ method: 'GET', url: 'http://a.example/', headers: { 'bad name': 'v' } }, 'headers.bad name'],
    [
      { method: 'GET', url: 'http://a.example/', headers: { 'x-inject': 'a\r\nHost: evil' } },
      'headers.x-inject',
    ],
    [{ method: 'GET', url: 'http://a.example/', headers: ['x'] }, 'headers'],
    [{ method: 'GET', url: 'http://a.example/', body: { a: 1 } }, 'body'],
    [{ method: 'HEAD', url: 'http://a.example/', body: null }, 'body'],
    [{ method: 'GET', url: 'http://a.example/', follow_redirects: true }, 'follow_redirects'],
  ])('rejects %j naming %s', (input, field) => {
    const errors = decodeErrors(input);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.some((line) => line.startsWith(`${field}: `))).toBe(true);
  });

  it('encodes back to the same plain JSON, without absent optional fields', () => {
    const plain = { method: 'GET', url: 'http://a.example/', timeout_ms: 5000 };
    expect(httpCallSkill.params.encode(decode(plain))).toEqual(plain);
  });

  it('costs nothing', () => {
    expect(httpCallSkill.estimateCostCents(decode({ method: 'GET', url: 'http://a.example/' }))).toBe(0);
  });
});

describe('http_call in a plan', () => {
  const problems = (url: string, allowedHosts: readonly string[] = []) =>
    httpCallSkill.validateInPlan({ method: 'GET', url }, { stepIndex: 0, allowedHosts });

  it('rejects a step aimed at a denied host, on field url', () => {
    expect(problems('http://169.254.169.254/latest/meta-data/')).toEqual([
      { field: 'url', message: expect.stringContaining('metadata') },
    ]);
    expect(problems('http://127.0.0.1:8080/status')).toEqual([
      { field: 'url', message: expect.stringContaining('loopback') },
    ]);
    expect(problems('http://192.168.0.10/')).toEqual([
      { field: 'url', message: expect.stringContaining('private') },
    ]);
  });

  it('accepts it when the agent allows the host', () => {
    expect(problems('http://127.0.0.1:8080/status', ['127.0.0.1'])).toEqual([]);
  });

  it('rejects a non-http(s) URL on field url', () => {
    expect(problems('ftp://files.example.com/')).toEqual([
      { field: 'url', message: expect.stringContaining('http') },
    ]);
    expect(problems('nope')).toEqual([{ field: 'url', message: expect.any(String) }]);
  });
});

describe('http_call host policy after DNS resolution', () => {
  const skillResolving = (lookup: AddressLookup) => createHttpCallSkill({ lookup });
  const params = decode({ method: 'GET', url: 'http://internal.example/x', timeout_ms: 1000 });

  it('denies a name that resolves to a private address, though the plan check let it pass', async () => {
    const skill = skillResolving(async () => ['10.1.2.3']);
    expect(skill.validateInPlan(params, { stepIndex: 0, allowedHosts: [] })).toEqual([]);
    const result = await skill.execute(params, context());
    expect(result).toMatchObject({
      status: 'failed',
      outcome: {
        category: 'policy',
        code: 'HOST_DENIED',
        data: { message: expect.stringContaining('10.1.2.3') },
      },
      cost_cents: 0,
    });
  });

  it('denies a name when any one of its addresses is denied', async () => {
    const result = await skillResolving(async () => ['93.184.216.34', '169.254.169.254']).execute(
      params,
      context(),
    );
    expect(result.outcome).toMatchObject({ category: 'policy', code: 'HOST_DENIED' });
  });

  it('reports a failed lookup as a network error with its code', async () => {
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND internal.example'), {
      code: 'ENOTFOUND',
    });
    const result = await skillResolving(async () => Promise.reject(notFound)).execute(params, context());
    expect(result).toMatchObject({
      status: 'failed',
      outcome: { category: 'network_error', code: 'ENOTFOUND' },
    });
  });

  it('times out a lookup that never answers', async () => {
    const hanging = decode({ method: 'GET', url: 'http://internal.example/x', timeout_ms: 100 });
    const result = await skillResolving(() => new Promise<readonly string[]>(() => undefined)).execute(
      hanging,
      context(),
    );
    expect(result.outcome).toMatchObject({ category: 'timeout', code: 'TIMEOUT' });
  });

  it('does not resolve a literal IP, and denies it', async () => {
    const skill = skillResolving(async () => {
      throw new Error('lookup must not be called');
    });
    const result = await skill.execute(decode({ method: 'GET', url: 'http://[::1]:9/' }), context());
    expect(result.outcome).toMatchObject({ category: 'policy', code: 'HOST_DENIED' });
  });
});
