import { describe, expect, it } from 'vitest';
import { httpCallServer } from './http-call-test-server.js';

// max_response_bytes: a body streamed past it stops being read, a declared Content-Length over it
// fails before reading, a body at it is accepted.

const { call } = httpCallServer();

describe('http_call against a real server', () => {
  it('stops reading and fails a body larger than max_response_bytes', async () => {
    const result = await call('/endless', { max_response_bytes: 100_000 });
    expect(result).toMatchObject({
      status: 'failed',
      outcome: {
        category: 'resource_limit',
        code: 'RESPONSE_TOO_LARGE',
        data: { status: 200, max_response_bytes: 100_000 },
      },
    });
  });

  it('fails a declared Content-Length over the cap before reading, and accepts a body at the cap', async () => {
    expect((await call('/declared-large', { max_response_bytes: 4999 })).outcome.code).toBe(
      'RESPONSE_TOO_LARGE',
    );
    expect((await call('/declared-large', { max_response_bytes: 5000 })).outcome.code).toBe('HTTP_200');
    expect((await call('/declared-large', { method: 'HEAD', max_response_bytes: 10 })).outcome).toMatchObject(
      { code: 'HTTP_200', data: { body: '' } },
    );
  });
});
