import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runIdForIdempotencyKey } from '../../domain/run/idempotency-key.js';
import { jsonOf } from '../support/cli.js';
import { withSigningKey } from '../support/cli-fixtures.js';
import { registerAgent } from '../support/in-process-fixtures.js';
import { installEventGate, spawnCli, type CliChild, type EventGate } from '../support/cli-process.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { proveRun, runEvents, typesOf, verdictOf, waitFor } from '../support/run-inspection.js';

/**
 * `aos run --idempotency-key K` sent again while the first process still executes the run. The
 * run appends a step record every WAIT_MS while the replays read and prove it; its completion is
 * held at a test-only gate until every replay has answered, so each one meets the run in progress
 * whatever the machine's load. Plan: echo, then WAITS wait steps, then echo.
 */
const TENANT = 'tenant-replay';
const WAIT_MS = 400;
const WAITS = 30;
const REPLAYS = 8;
const STEPS = [
  { skill: 'echo', params: { message: '{{goal}}' } },
  ...Array.from({ length: WAITS }, () => ({ skill: 'wait', params: { ms: WAIT_MS } })),
  { skill: 'echo', params: { message: 'last' } },
];
/** RunCreated, RunPlanned, RunStarted, a StepExecuted per step, then RunCompleted. */
const COMPLETED_SEQ = 3 + STEPS.length;

type RunJson = {
  run_id: string;
  status: string;
  created: boolean;
  integrity: { verification_status: string; failure_reason: string | null };
};

describe('idempotent replays while the run executes', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let gate: EventGate;
  let agentId: string;
  const running: CliChild[] = [];

  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url });
    gate = await installEventGate(db.pool);
    agentId = await registerAgent(env, TENANT, STEPS);
  });
  afterEach(async () => gate.release()); // a failed test must not leave the gate closed
  afterAll(async () => {
    for (const cli of running) cli.child.kill('SIGKILL');
    await gate.close();
    await db.drop();
  });

  const runWithKey = (key: string): CliChild => {
    const args = ['run', '--tenant-id', TENANT, '--agent-id', agentId, '--goal', 'replayed'];
    const cli = spawnCli('aos', [...args, '--idempotency-key', key, '--json'], env);
    running.push(cli);
    return cli;
  };
  const answerOf = (result: { code: number | null; stdout: string; stderr: string }) => {
    const json = jsonOf<RunJson>(result);
    return {
      code: result.code,
      created: json.created,
      status: json.status,
      verification_status: json.integrity.verification_status,
      failure_reason: json.integrity.failure_reason,
    };
  };

  it(`${REPLAYS} replays during the run: each created false, in_progress, exit 1, VERIFIED; never FAILED`, async () => {
    const key = 'replayed-while-running';
    const runId = runIdForIdempotencyKey(TENANT, key);
    await gate.hold('RunCompleted', COMPLETED_SEQ);
    const first = runWithKey(key);
    await waitFor('the run started', async () =>
      typesOf(await runEvents(db.pool, runId)).includes('RunStarted') ? true : undefined,
    );
    const replays = await Promise.all(Array.from({ length: REPLAYS }, () => runWithKey(key).done));
    expect(replays.map(answerOf)).toEqual(
      replays.map(() => ({
        code: 1,
        created: false,
        status: 'in_progress',
        verification_status: 'VERIFIED',
        failure_reason: null,
      })),
    );
    expect(typesOf(await runEvents(db.pool, runId))).not.toContain('RunCompleted');
    await gate.release();
    const finished = await first.done;
    expect(finished.code, finished.stderr).toBe(0);
    expect(jsonOf<RunJson>(finished)).toMatchObject({ run_id: runId, created: true, status: 'succeeded' });
    expect(verdictOf(await proveRun(env, TENANT, runId))).toEqual({
      code: 0,
      verification_status: 'VERIFIED',
      divergence: null,
      seal: 'sealed',
    });
  });
});
