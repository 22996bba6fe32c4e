import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { withSigningKey } from '../support/cli-fixtures.js';
import { registerAgent } from '../support/in-process-fixtures.js';
import { newRunId, runIdsOf, spawnCli, type CliChild } from '../support/cli-process.js';
import { startDatabaseProxy, type DatabaseProxy } from '../support/database-proxy.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { runEvents, typesOf, waitFor } from '../support/run-inspection.js';

/**
 * A run whose database goes away while it executes: `aos run` reaches the database through a
 * loopback relay the test stops during the run's wait step. The command exits 4 naming the run and
 * the command that continues it, and that command, once the database is back, finishes the run.
 * Plan: echo, wait, echo.
 */
const TENANT = 'tenant-outage';
const WAIT_MS = 3_000;
const STEPS = [
  { skill: 'echo', params: { message: '{{goal}}' } },
  { skill: 'wait', params: { ms: WAIT_MS } },
  { skill: 'echo', params: { message: 'last' } },
];

type OutageJson = {
  error: { code: string; message: string; run_id?: string; resume_command?: string };
};

describe('a run cut off by a database outage', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let proxy: DatabaseProxy;
  let agentId: string;
  const running: CliChild[] = [];

  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url });
    proxy = await startDatabaseProxy(db.url);
    agentId = await registerAgent(env, TENANT, STEPS);
  });
  afterAll(async () => {
    for (const cli of running) cli.child.kill('SIGKILL');
    await proxy.stop();
    await db.drop();
  });

  it('exits 4 naming the run and `aos runs resume --tenant-id T --run-id R`, in the message and the JSON error', async () => {
    const known = await runIdsOf(db.pool, TENANT);
    const cli = spawnCli(
      'aos',
      ['run', '--tenant-id', TENANT, '--agent-id', agentId, '--goal', 'cut off', '--json'],
      { ...env, DATABASE_URL: proxy.url },
    );
    running.push(cli);
    const runId = await newRunId(db.pool, TENANT, known);
    await waitFor('step 0 recorded', async () =>
      (await runEvents(db.pool, runId)).length >= 4 ? true : undefined,
    );
    await proxy.stop(); // the wait step is running: its record's append finds no database
    const cut = await cli.done;
    expect(cut.code, cut.stderr).toBe(4);
    const resumeCommand = `aos runs resume --tenant-id ${TENANT} --run-id ${runId}`;
    const { error } = jsonOf<OutageJson>(cut);
    expect(error).toMatchObject({ run_id: runId, resume_command: resumeCommand });
    expect(error.message).toContain(`run ${runId}`);
    expect(error.message).toContain(resumeCommand);
    expect(cut.stderr).toContain(resumeCommand);
    expect(typesOf(await runEvents(db.pool, runId))).not.toContain('RunCompleted');

    // The command it names, with the database back, finishes the run.
    const [bin, ...args] = resumeCommand.split(' ');
    expect(bin).toBe('aos');
    const resumed = await runCli('aos', [...args, '--json'], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(jsonOf(resumed)).toMatchObject({
      run_id: runId,
      status: 'succeeded',
      integrity: { verification_status: 'VERIFIED' },
      seal: { status: 'sealed' },
    });
  });
});
