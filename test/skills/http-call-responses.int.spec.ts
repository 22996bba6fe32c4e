import { describe, expect, it } from 'vitest';
import { httpCallSkill } from '../../adapters/skills/http-call-skill.js';
import { httpCallServer } from './http-call-test-server.js';

// The outcome of each kind of answer: JSON, text, no content, client and server errors, a redirect
// (not followed), a closed port; and a JSON body and headers sent.

const http = httpCallServer();
const { params, context, call } = http;

describe('http_call against a real server', () => {
  it('parses a 200 JSON body into the outcome', async () => {
    expect(await call('/status')).toEqual({
      status: 'succeeded',
      outcome: {
        category: 'success',
        code: 'HTTP_200',
        data: {
          status: 200,
          content_type: 'application/json; charset=utf-8',
          body: {
            items: [
              { name: 'a', price: 0.30000000000000004 },
              { name: 'b', price: 1e21 },
            ],
          },
        },
      },
      cost_cents: 0,
    });
  });

  it('keeps text as text, and JSON that does not parse or cannot be hashed as text', async () => {
    expect((await call('/text')).outcome.data).toEqual({
      status: 200,
      content_type: 'text/plain',
      body: 'plain ✓',
    });
    expect((await call('/not-json')).outcome.data).toMatchObject({ body: '{"broken":' });
    expect((await call('/unsafe-integer')).outcome.data).toMatchObject({ body: '{"id":9007199254740993}' });
    expect((await call('/no-content')).outcome).toEqual({
      category: 'success',
      code: 'HTTP_204',
      data: { status: 204, content_type: null, body: '' },
    });
  });

  it('sends a JSON body and headers', async () => {
    const result = await call('/echo', {
      method: 'POST',
      body: { a: [1, 'é'] },
      headers: { 'x-trace': 't-1' },
    });
    expect(result).toMatchObject({ status: 'succeeded', outcome: { code: 'HTTP_201' } });
    expect(result.outcome.data).toMatchObject({
      body: { method: 'POST', content_type: 'application/json', x_trace: 't-1', body: '{"a":[1,"é"]}' },
    });
  });

  it('fails a 404 as client_error HTTP_404, keeping the response', async () => {
    expect(await call('/missing')).toEqual({
      status: 'failed',
      outcome: {
        category: 'client_error',
        code: 'HTTP_404',
        data: { status: 404, content_type: 'application/json; charset=utf-8', body: { error: 'not found' } },
      },
      cost_cents: 0,
      retryable: false,
    });
    expect((await call('/problem-json')).outcome).toMatchObject({
      category: 'client_error',
      code: 'HTTP_422',
      data: { body: { title: 'bad' } },
    });
  });

  it('fails a 500 as server_error HTTP_500', async () => {
    expect(await call('/broken')).toMatchObject({
      status: 'failed',
      outcome: { category: 'server_error', code: 'HTTP_500', data: { status: 500, body: 'boom' } },
    });
  });

  it('reports a 302 without following it', async () => {
    const hitsBefore = http.redirectTargetHits;
    const result = await call('/redirect');
    expect(result).toMatchObject({
      status: 'failed',
      outcome: { category: 'redirect', code: 'HTTP_302', data: { status: 302 } },
    });
    expect(http.redirectTargetHits).toBe(hitsBefore);
  });

  it('reports a closed port as a network error', async () => {
    const result = await httpCallSkill.execute(
      params({ method: 'GET', url: `${http.closedPortBase}/x`, timeout_ms: 5000 }),
      context(),
    );
    expect(result).toMatchObject({
      status: 'failed',
      outcome: { category: 'network_error', code: 'ECONNREFUSED' },
      cost_cents: 0,
    });
  });
});
