import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCallSkill, MAX_BODY_DEPTH, type HttpCallParams } from '../../adapters/skills/http-call-skill.js';
import { jsonDepthExcess, MAX_JSON_DEPTH } from '../../domain/json/json-depth.js';
import { startLocalServer, type LocalServer } from '../support/local-http-server.js';

/** A JSON body `levels` arrays deep, as text. */
const nestedArrays = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;

describe('http_call: a JSON body nested deeper than an outcome may hold', () => {
  let server: LocalServer;

  beforeAll(async () => {
    server = await startLocalServer((hit, response) => {
      const levels = Number(hit.path.slice(1));
      response.writeHead(200, {
        'content-type': hit.path === '/text' ? 'text/plain' : 'application/json',
      });
      response.end(nestedArrays(hit.path === '/text' ? 10_000 : levels));
    });
  });
  afterAll(async () => server.close());

  const call = (path: string) =>
    httpCallSkill.execute({ method: 'GET', url: `${server.base}${path}` } as HttpCallParams, {
      signal: new AbortController().signal,
      previousOutcomes: new Map(),
      allowedHosts: [server.host],
    });

  it('keeps a body at the limit: the outcome data holding it nests MAX_JSON_DEPTH levels', async () => {
    expect(MAX_BODY_DEPTH).toBe(MAX_JSON_DEPTH - 1);
    const result = await call(`/${MAX_BODY_DEPTH}`);
    expect(result).toMatchObject({ status: 'succeeded', outcome: { code: 'HTTP_200' } });
    expect(jsonDepthExcess(result.outcome.data, MAX_JSON_DEPTH)).toBeNull();
    expect(jsonDepthExcess(result.outcome.data, MAX_JSON_DEPTH - 1)).not.toBeNull();
  });

  it.each([MAX_BODY_DEPTH + 1, 3_000, 100_000])(
    'fails a body %i levels deep: bad_response RESPONSE_TOO_DEEP, not retryable',
    async (levels) => {
      expect(await call(`/${levels}`)).toEqual({
        status: 'failed',
        outcome: {
          category: 'bad_response',
          code: 'RESPONSE_TOO_DEEP',
          data: {
            message: `the JSON body nests arrays and objects deeper than ${MAX_BODY_DEPTH} levels`,
            status: 200,
            max_depth: MAX_BODY_DEPTH,
          },
        },
        cost_cents: 0,
        retryable: false,
      });
    },
  );

  it('keeps a body that is not declared JSON as text, whatever it looks like', async () => {
    const result = await call('/text');
    expect(result).toMatchObject({ status: 'succeeded', outcome: { data: { body: nestedArrays(10_000) } } });
  });
});
