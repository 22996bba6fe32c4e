import { describe, expect, it } from 'vitest';
import { httpCallServer } from './http-call-test-server.js';

// A request that does not end by itself: the step's timeout_ms, the run cancelled mid-request or
// before it, and the step's own time running out first.

const http = httpCallServer();
const { context, call } = http;

describe('http_call against a real server', () => {
  it('times out a server that never answers, within the timeout', async () => {
    const started = performance.now();
    const result = await call('/hang', { timeout_ms: 200 });
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({
      status: 'failed',
      outcome: { category: 'timeout', code: 'TIMEOUT' },
      cost_cents: 0,
    });
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(2000);
  });

  it('fails as cancelled when the run is cancelled mid-request', async () => {
    const controller = new AbortController();
    const reached = new Promise<void>((resolve) => {
      http.hangReached = resolve;
    });
    const pending = call('/hang', { timeout_ms: 30_000 }, context({ signal: controller.signal }));
    await reached;
    controller.abort(new Error('run cancelled'));
    expect(await pending).toMatchObject({
      status: 'failed',
      outcome: { category: 'cancelled', code: 'CANCELLED' },
    });
  });

  it('fails as cancelled without calling when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await call('/status', {}, context({ signal: controller.signal }))).outcome).toMatchObject({
      category: 'cancelled',
      code: 'CANCELLED',
    });
  });

  it("fails as timeout when the step's own time runs out first", async () => {
    const result = await call('/hang', { timeout_ms: 30_000 }, context({ signal: AbortSignal.timeout(100) }));
    expect(result.outcome).toMatchObject({
      category: 'timeout',
      code: 'TIMEOUT',
      data: { message: 'the step ran out of time' },
    });
  });
});
