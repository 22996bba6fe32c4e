import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { fakeLlmServer } from './fake-llm-server.js';

// llm_invoke's failures: which are retryable (a 500, a 429, a refused connection, a timeout) and
// which not (a 401, a body that is not JSON or over 1 MiB, a cancellation).

const llm = fakeLlmServer();
const { skillFor, params, context, invoke } = llm;

describe('llm_invoke against a fake OpenAI-compatible server', () => {
  it('marks a 500 retryable, and succeeds on the retry', async () => {
    llm.flakyCalls = 0;
    const first = await invoke('flaky');
    expect(first).toEqual({
      status: 'failed',
      outcome: {
        category: 'server_error',
        code: 'HTTP_500',
        data: { status: 500, error: 'upstream exploded' },
      },
      cost_cents: 0,
      retryable: true,
    });
    expect(await invoke('flaky')).toMatchObject({
      status: 'succeeded',
      outcome: { data: { content: 'Hello again' } },
      cost_cents: 2,
    });
  });

  it('marks 429 and a refused connection retryable, a 401 and a non-JSON body not', async () => {
    expect(await invoke('limited')).toMatchObject({
      outcome: { category: 'rate_limited', code: 'HTTP_429', data: { error: 'slow down' } },
      retryable: true,
    });
    const refused = await skillFor('ok', `http://127.0.0.1:${llm.closedPort}`).execute(params(), context());
    expect(refused).toMatchObject({
      outcome: { category: 'network_error', code: 'ECONNREFUSED' },
      retryable: true,
    });
    expect(await invoke('unauthorized')).toMatchObject({
      outcome: { category: 'client_error', code: 'HTTP_401' },
      retryable: false,
    });
    expect(await invoke('not-json')).toMatchObject({
      outcome: { category: 'bad_response', code: 'INVALID_RESPONSE' },
      retryable: false,
    });
  });

  it('fails a body over 1 MiB, not retryable', async () => {
    expect(await invoke('huge')).toMatchObject({
      status: 'failed',
      outcome: {
        category: 'resource_limit',
        code: 'RESPONSE_TOO_LARGE',
        data: { max_response_bytes: 1024 * 1024 },
      },
      cost_cents: 0,
      retryable: false,
    });
  });

  it('aborts a hanging server when the step times out, closing the connection, retryable', async () => {
    const controller = new AbortController();
    const reached = new Promise<Socket>((resolve) => {
      llm.hangReached = resolve;
    });
    const pending = invoke('hang', {}, controller.signal);
    const socket = await reached;
    const closed = Promise.race([
      new Promise<boolean>((resolve) => socket.once('close', () => resolve(true))),
      sleep(1000).then(() => false),
    ]);
    const abortedAt = performance.now();
    controller.abort(new DOMException('step time is up', 'TimeoutError'));
    expect(await pending).toMatchObject({
      status: 'failed',
      outcome: { category: 'timeout', code: 'TIMEOUT' },
      retryable: true,
    });
    expect(await closed).toBe(true);
    expect(performance.now() - abortedAt).toBeLessThan(500);
  });

  it('fails as cancelled without calling when the signal is already aborted by a cancellation', async () => {
    llm.received = [];
    const controller = new AbortController();
    controller.abort(new Error('run cancelled'));
    expect(await invoke('ok', {}, controller.signal)).toMatchObject({
      outcome: { category: 'cancelled', code: 'CANCELLED' },
      retryable: false,
    });
    expect(llm.received).toHaveLength(0);
  });
});
