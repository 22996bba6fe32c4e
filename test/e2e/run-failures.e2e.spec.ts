import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { createAgent, runGoal, withSigningKey } from '../support/cli-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';

const TENANT = 'tenant-failures';

describe('runs that fail are recorded as failed, and still prove VERIFIED', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url });
    server = createServer((request, response) => {
      response.writeHead(request.url === '/ok' ? 200 : 503, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          items: [
            { name: 'a', price: 0.30000000000000004 },
            { name: 'b', price: 1e21 },
          ],
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await db.drop();
  });

  const stepRows = async (runId: string) =>
    (
      await db.pool.query(
        'SELECT step_index, skill_name, status, outcome_code FROM aos_trace_steps WHERE run_id = $1 ORDER BY seq',
        [runId],
      )
    ).rows;
  const traceRow = async (runId: string) =>
    (await db.pool.query('SELECT status, error_code, step_count FROM aos_traces WHERE run_id = $1', [runId]))
      .rows[0];

  it('executes real HTTP and a JMESPath transform of its answer', async () => {
    const agent = await createAgent(
      env,
      TENANT,
      [
        { skill: 'http_call', params: { method: 'GET', url: `${base}/ok`, timeout_ms: 5000 } },
        {
          skill: 'json_transform',
          params: { expression: 'body.items[?price > `0.1`].name', input_from_step: 0 },
        },
      ],
      ['--allowed-host', '127.0.0.1'],
    );
    const run = await runGoal(env, TENANT, agent);
    expect(run.result.code, run.result.stderr).toBe(0);
    expect(run.integrity.verification_status).toBe('VERIFIED');
    const { rows } = await db.pool.query(
      `SELECT outcome_data FROM aos_trace_steps WHERE run_id = $1 AND step_index = 1`,
      [run.run_id],
    );
    expect(rows[0]?.outcome_data).toEqual({ result: ['a', 'b'] });
  });

  it('fails the run at the first failed step, runs no later step, exit 1', async () => {
    const agent = await createAgent(
      env,
      TENANT,
      [
        { skill: 'http_call', params: { method: 'GET', url: `${base}/broken`, timeout_ms: 5000 } },
        { skill: 'echo', params: { message: 'never' } },
      ],
      ['--allowed-host', '127.0.0.1'],
    );
    const run = await runGoal(env, TENANT, agent);
    expect(run.result.code, run.result.stderr).toBe(1);
    expect(run.status).toBe('failed');
    expect(run.integrity.verification_status).toBe('VERIFIED');
    expect(await stepRows(run.run_id)).toEqual([
      { step_index: 0, skill_name: 'http_call', status: 'failed', outcome_code: 'HTTP_503' },
    ]);
    expect(await traceRow(run.run_id)).toEqual({
      status: 'failed',
      error_code: 'STEP_FAILED',
      step_count: 1,
    });
    // The run's own output says why, in JSON and in text.
    expect((run as unknown as { error: unknown }).error).toEqual({
      code: 'STEP_FAILED',
      message: 'step 0 (http_call) failed: HTTP_503',
    });
    const text = await runCli(
      'aos',
      ['run', '--tenant-id', TENANT, '--agent-id', agent, '--goal', 'again'],
      env,
    );
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('Status: failed\nError: STEP_FAILED - step 0 (http_call) failed: HTTP_503');
  });

  it('ends a run whose plan is invalid for its goal as failed, before any plan or step is stored', async () => {
    const agent = await createAgent(env, TENANT, [
      { skill: 'echo', params: { message: '{{goal}} {{goal}} {{goal}}' } },
    ]);
    const run = await runGoal(env, TENANT, agent, 'g'.repeat(4000));
    expect(run.result.code, run.result.stderr).toBe(1);
    expect(run.status).toBe('failed');
    expect(run.integrity).toMatchObject({ verification_status: 'VERIFIED', chain_length: 2 });
    const types = (
      await db.pool.query('SELECT type FROM aos_events WHERE stream_id = $1 ORDER BY seq', [
        `aos-run-${run.run_id}`,
      ])
    ).rows.map((r) => r.type);
    expect(types).toEqual(['RunCreated', 'RunCompleted']);
    expect(await traceRow(run.run_id)).toEqual({
      status: 'failed',
      error_code: 'PLAN_INVALID',
      step_count: 0,
    });
    expect((run as unknown as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'PLAN_INVALID',
      message: expect.stringMatching(/\S/),
    });
  });
});
