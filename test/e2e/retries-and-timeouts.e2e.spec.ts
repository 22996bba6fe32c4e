import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGoal, withSigningKey } from '../support/cli-fixtures.js';
import { registerAgent } from '../support/in-process-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { sendJson, startLocalServer, type LocalServer } from '../support/local-http-server.js';
import { proveRun, runEvents, verdictOf, waitFor } from '../support/run-inspection.js';

/**
 * Retries and timeouts against a real local HTTP server that counts its hits. Paths say what the
 * server does: /flaky/<id>-fail=N answers 503 to the first N hits and 200 after; /hang/<id> never
 * answers; /huge/<id> sends 64 KiB (with a Content-Length, or chunked under /huge-chunked/).
 */
const TENANT = 'tenant-retries';
const HUGE = 64 * 1024;

type Attempt = {
  attempt: number;
  outcome: { category: string; code: string; data: unknown };
  cost_cents: number;
  duration_ms: number;
  backoff_ms: number;
};
type Step = {
  step_index: number;
  status: string;
  outcome: { category: string; code: string; data: Record<string, unknown> };
  retry_count: number;
  attempts?: Attempt[];
  duration_ms: number;
};

describe('http_call retries retryable failures within max_retries, and enforces timeouts and response caps', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let server: LocalServer;

  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url });
    server = await startLocalServer((hit, response, n) => {
      const kind = hit.path.split('/')[1];
      if (kind === 'flaky') {
        const failures = Number(/fail=(\d+)/.exec(hit.path)?.[1] ?? 0);
        return n <= failures
          ? sendJson(response, 503, { error: 'busy', hit: n })
          : sendJson(response, 200, { ok: true, hit: n });
      }
      if (kind === 'huge') {
        response.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(HUGE) });
        return response.end('x'.repeat(HUGE));
      }
      if (kind === 'huge-chunked') {
        response.writeHead(200, { 'content-type': 'text/plain' });
        for (let i = 0; i < HUGE / 1024; i++) response.write('y'.repeat(1024));
        return response.end();
      }
      // hang: never answer
    });
  });
  afterAll(async () => {
    await server.close();
    await db.drop();
  });

  /** One http_call step (template fields `execution`), run once; returns the run, its step event and trace row. */
  const runOneCall = async (params: Record<string, unknown>, execution: Record<string, unknown>) => {
    const agent = await registerAgent(
      env,
      TENANT,
      [{ skill: 'http_call', params, ...execution }],
      ['--allowed-host', server.host],
    );
    const run = await runGoal(env, TENANT, agent);
    const events = await runEvents(db.pool, run.run_id);
    const step = events.find((e) => e.type === 'StepExecuted')?.data as Step;
    const row = (
      await db.pool.query(
        'SELECT status, outcome_category, outcome_code, retry_count, attempts FROM aos_trace_steps WHERE run_id = $1',
        [run.run_id],
      )
    ).rows;
    expect(row).toEqual([
      {
        status: step.status,
        outcome_category: step.outcome.category,
        outcome_code: step.outcome.code,
        retry_count: step.retry_count,
        attempts: step.attempts ?? [],
      },
    ]);
    expect(verdictOf(await proveRun(env, TENANT, run.run_id))).toEqual({
      code: 0,
      verification_status: 'VERIFIED',
      divergence: null,
      seal: 'sealed',
    });
    return { run, step, completed: events.at(-1)?.data };
  };
  const expectBackoffs = (attempts: Attempt[], path: string) => {
    const hits = server.hitsTo(path);
    attempts.forEach((a, i) => {
      const ceiling = 200 * 2 ** i; // equal jitter: between half and all of 200 ms * 2^(retry-1)
      expect(a.backoff_ms).toBeGreaterThanOrEqual(ceiling / 2);
      expect(a.backoff_ms).toBeLessThanOrEqual(ceiling);
      // the server saw the next attempt no sooner than the backoff after the previous one
      expect((hits[i + 1]?.at ?? 0) - (hits[i]?.at ?? 0)).toBeGreaterThanOrEqual(a.backoff_ms - 2);
    });
  };

  it('succeeds after N=2 failures with max_retries 3: retry_count 2, two HTTP_503 attempts, three hits', async () => {
    const path = '/flaky/a-fail=2';
    const { run, step } = await runOneCall(
      { method: 'GET', url: `${server.base}${path}` },
      { max_retries: 3 },
    );
    expect(run.result.code, run.result.stderr).toBe(0);
    expect(run.status).toBe('succeeded');
    expect(server.hitsTo(path)).toHaveLength(3);
    expect(step).toMatchObject({
      status: 'succeeded',
      outcome: { category: 'success', code: 'HTTP_200', data: { status: 200, body: { ok: true, hit: 3 } } },
      retry_count: 2,
    });
    expect(
      step.attempts?.map((a) => [
        a.attempt,
        a.outcome.category,
        a.outcome.code,
        a.outcome.data,
        a.cost_cents,
      ]),
    ).toEqual([
      [
        1,
        'server_error',
        'HTTP_503',
        { status: 503, content_type: 'application/json', body: { error: 'busy', hit: 1 } },
        0,
      ],
      [
        2,
        'server_error',
        'HTTP_503',
        { status: 503, content_type: 'application/json', body: { error: 'busy', hit: 2 } },
        0,
      ],
    ]);
    expectBackoffs(step.attempts ?? [], path);
    const backoffs = (step.attempts ?? []).reduce((sum, a) => sum + a.backoff_ms, 0);
    expect(step.duration_ms).toBeGreaterThanOrEqual(backoffs);
  });

  it('succeeds with max_retries exactly N (the agent default --max-retries applies when the template says nothing)', async () => {
    const path = '/flaky/b-fail=1';
    const agent = await registerAgent(
      env,
      TENANT,
      [{ skill: 'http_call', params: { method: 'GET', url: `${server.base}${path}` } }],
      ['--allowed-host', server.host, '--max-retries', '1'],
    );
    const run = await runGoal(env, TENANT, agent);
    expect(run.result.code, run.result.stderr).toBe(0);
    expect(server.hitsTo(path)).toHaveLength(2);
    const events = await runEvents(db.pool, run.run_id);
    expect((events[1]?.data as { plan: { steps: unknown[] } }).plan.steps[0]).toMatchObject({
      max_retries: 1,
      timeout_ms: 60_000,
      on_failure: 'stop',
    });
    expect(events.find((e) => e.type === 'StepExecuted')?.data).toMatchObject({
      status: 'succeeded',
      retry_count: 1,
      outcome: { code: 'HTTP_200' },
    });
  });

  it('fails with the last failure when N=3 exceeds max_retries 1: two hits, retry_count 1, still VERIFIED', async () => {
    const path = '/flaky/c-fail=3';
    const { run, step, completed } = await runOneCall(
      { method: 'GET', url: `${server.base}${path}` },
      { max_retries: 1 },
    );
    expect(run.result.code, run.result.stderr).toBe(1);
    expect(run.status).toBe('failed');
    expect(server.hitsTo(path)).toHaveLength(2);
    expect(step).toMatchObject({
      status: 'failed',
      outcome: { category: 'server_error', code: 'HTTP_503', data: { body: { error: 'busy', hit: 2 } } },
      retry_count: 1,
    });
    expect(step.attempts?.map((a) => [a.attempt, a.outcome.code])).toEqual([[1, 'HTTP_503']]);
    expectBackoffs(step.attempts ?? [], path);
    expect(completed).toEqual({
      status: 'failed',
      error: { code: 'STEP_FAILED', message: 'step 0 (http_call) failed: HTTP_503', step_index: 0 },
    });
  });

  it('times a hanging server out at the template timeout_ms (300), closes the socket, retries it once', async () => {
    const path = '/hang/d';
    const started = performance.now();
    const { run, step } = await runOneCall(
      { method: 'GET', url: `${server.base}${path}` },
      { timeout_ms: 300, max_retries: 1 },
    );
    expect(run.result.code, run.result.stderr).toBe(1);
    expect(performance.now() - started).toBeLessThan(15_000); // far below http_call's own 10 s default, twice
    const hits = server.hitsTo(path);
    expect(hits).toHaveLength(2);
    await waitFor('both sockets closed', async () =>
      hits.every((h) => h.socketClosedAt !== null) ? true : undefined,
    );
    const [first, second] = hits as [(typeof hits)[0], (typeof hits)[0]];
    // the first socket was closed by the timeout, while the process went on to the retry
    expect(first.socketClosedAt).toBeLessThan(second.at);
    // Not before the timeout: each attempt lasted at least its 300 ms, as the runner timed it (the
    // server's clock starts when the request reaches it, late on a loaded machine: not a bound).
    expect(step.attempts?.[0]?.duration_ms).toBeGreaterThanOrEqual(300);
    expect(step.duration_ms).toBeGreaterThanOrEqual(600);
    expect((first.socketClosedAt ?? 0) - first.at).toBeLessThan(2_000);
    expect(step).toMatchObject({
      status: 'failed',
      outcome: { category: 'timeout', code: 'STEP_TIMEOUT' },
      retry_count: 1,
    });
    expect(step.outcome.data.message).toBe('the step did not finish within its timeout of 300 ms');
    expect(step.attempts?.map((a) => [a.outcome.category, a.outcome.code])).toEqual([
      ['timeout', 'STEP_TIMEOUT'],
    ]);
  });

  it("times out at http_call's own timeout_ms param: category timeout, code TIMEOUT, socket closed", async () => {
    const path = '/hang/e';
    const { run, step } = await runOneCall(
      { method: 'GET', url: `${server.base}${path}`, timeout_ms: 200 },
      {},
    );
    expect(run.result.code, run.result.stderr).toBe(1);
    expect(step).toMatchObject({
      status: 'failed',
      outcome: {
        category: 'timeout',
        code: 'TIMEOUT',
        data: { message: 'no complete response within 200 ms', timeout_ms: 200 },
      },
      retry_count: 0,
    });
    const hits = server.hitsTo(path);
    expect(hits).toHaveLength(1);
    await waitFor('the socket closed', async () => (hits[0]?.socketClosedAt !== null ? true : undefined));
  });

  it.each([
    ['declared by Content-Length', '/huge/f'],
    ['streamed without a length', '/huge-chunked/g'],
  ])(
    'fails a body over max_response_bytes (%s) with RESPONSE_TOO_LARGE, not retried',
    async (_label, path) => {
      const { run, step } = await runOneCall(
        { method: 'GET', url: `${server.base}${path}`, max_response_bytes: 1024 },
        { max_retries: 3 },
      );
      expect(run.result.code, run.result.stderr).toBe(1);
      expect(server.hitsTo(path)).toHaveLength(1);
      expect(step).toEqual(
        expect.objectContaining({
          status: 'failed',
          outcome: {
            category: 'resource_limit',
            code: 'RESPONSE_TOO_LARGE',
            data: {
              message: 'the response body is larger than 1024 bytes',
              status: 200,
              max_response_bytes: 1024,
            },
          },
          retry_count: 0,
        }),
      );
      expect(step.attempts).toBeUndefined();
    },
  );
});
