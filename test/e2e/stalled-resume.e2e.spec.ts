import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { tableCounts, withSigningKey } from '../support/cli-fixtures.js';
import { registerAgent } from '../support/in-process-fixtures.js';
import { killHard, newRunId, runIdsOf, spawnCli, type CliChild } from '../support/cli-process.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { sendJson, startLocalServer, type LocalServer } from '../support/local-http-server.js';
import {
  executedStepIndexes,
  proveRun,
  runEvents,
  startedAttempts,
  typesOf,
  verdictOf,
  waitFor,
} from '../support/run-inspection.js';

/**
 * A resume that cannot make progress must not append attempt after attempt. Here the step in
 * flight (an idempotent GET) stops its process every time: the run is killed while the request is
 * at the server, and so is the resume that sent it again. The next resume does not send it a third
 * time: it records the step as interrupted, and the run completes. (A step that crashed its
 * process, as a deeply nested answer once did, is the same case without the kill.)
 */
const TENANT = 'tenant-stalled';

type ResumeJson = { run_id: string; status: string; attempt: number | null };

describe('resume after a resume that recorded nothing: the step in flight both times is not run a third time', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let server: LocalServer;
  const running: CliChild[] = [];

  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url });
    // The first two requests to a path hang (the step is in flight when its process is killed);
    // later ones answer, so a third request would make the step succeed.
    server = await startLocalServer((_hit, response, n) =>
      n <= 2 ? undefined : sendJson(response, 200, { ok: true }),
    );
  });
  afterAll(async () => {
    for (const cli of running) cli.child.kill('SIGKILL');
    await server.close();
    await db.drop();
  });

  const spawn = (args: string[]) => {
    const cli = spawnCli('aos', [...args, '--json'], env);
    running.push(cli);
    return cli;
  };
  const resume = async (runId: string, extra: string[] = []) => {
    const result = await runCli(
      'aos',
      ['runs', 'resume', '--tenant-id', TENANT, '--run-id', runId, '--json', ...extra],
      env,
    );
    return { code: result.code, stderr: result.stderr, ...jsonOf<ResumeJson>(result) };
  };

  /** A run whose GET step was in flight when its process was killed, and again when the first
   * resume's process was killed: stream ..., RunStarted 1, StepExecuted 0, RunStarted 2. */
  const runKilledTwiceOnTheSameStep = async (path: string): Promise<string> => {
    const agentId = await registerAgent(
      env,
      TENANT,
      [
        { skill: 'echo', params: { message: '{{goal}}' } },
        { skill: 'http_call', params: { method: 'GET', url: `${server.base}${path}` } },
        { skill: 'echo', params: { message: 'after' } },
      ],
      ['--allowed-host', server.host],
    );
    const known = await runIdsOf(db.pool, TENANT);
    const run = spawn(['run', '--tenant-id', TENANT, '--agent-id', agentId, '--goal', 'poll']);
    const runId = await newRunId(db.pool, TENANT, known);
    await waitFor('the first request', async () => (server.hitsTo(path).length === 1 ? true : undefined));
    await killHard(run);
    const resumed = spawn(['runs', 'resume', '--tenant-id', TENANT, '--run-id', runId]);
    await waitFor('the second request', async () => (server.hitsTo(path).length === 2 ? true : undefined));
    await killHard(resumed);
    expect(typesOf(await runEvents(db.pool, runId))).toEqual([
      'RunCreated',
      'RunPlanned',
      'RunStarted',
      'StepExecuted',
      'RunStarted',
    ]);
    return runId;
  };

  it('records the step as failed STEP_INTERRUPTED without sending it again; the run completes failed, and a further resume adds nothing', async () => {
    const path = '/stalls';
    const runId = await runKilledTwiceOnTheSameStep(path);

    const resumed = await resume(runId);
    expect(resumed.code, resumed.stderr).toBe(1);
    expect(resumed).toMatchObject({ status: 'failed', attempt: 3 });
    expect(server.hitsTo(path)).toHaveLength(2);
    const events = await runEvents(db.pool, runId);
    expect(startedAttempts(events)).toEqual([1, 2, 3]);
    expect(executedStepIndexes(events)).toEqual([0, 1]);
    const step = events.find((e) => e.type === 'StepExecuted' && e.data.step_index === 1)?.data;
    expect(step).toMatchObject({
      status: 'failed',
      outcome: {
        category: 'interrupted',
        code: 'STEP_INTERRUPTED',
        data: {
          message:
            'the processes running attempts 1 and 2 of this run both stopped while this step may have been running, and the resume of attempt 2 recorded nothing: the step is not run a third time (resume with --rerun-interrupted to run it anyway)',
        },
      },
      cost_cents: 0,
      retry_count: 0,
    });
    expect(events.at(-1)?.data).toEqual({
      status: 'failed',
      error: { code: 'STEP_FAILED', message: 'step 1 (http_call) failed: STEP_INTERRUPTED', step_index: 1 },
    });
    expect(verdictOf(await proveRun(env, TENANT, runId))).toEqual({
      code: 0,
      verification_status: 'VERIFIED',
      divergence: null,
      seal: 'sealed',
    });

    const before = await tableCounts(db.pool);
    const again = await resume(runId);
    expect(again.code, again.stderr).toBe(1);
    expect(again.status).toBe('failed');
    expect(startedAttempts(await runEvents(db.pool, runId))).toEqual([1, 2, 3]);
    expect(await tableCounts(db.pool)).toEqual(before);
  });

  it('runs it a third time when asked with --rerun-interrupted', async () => {
    const path = '/stalls-then-answers';
    const runId = await runKilledTwiceOnTheSameStep(path);
    const resumed = await resume(runId, ['--rerun-interrupted']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed).toMatchObject({ status: 'succeeded', attempt: 3 });
    expect(server.hitsTo(path)).toHaveLength(3);
    expect(executedStepIndexes(await runEvents(db.pool, runId))).toEqual([0, 1, 2]);
  });
});
