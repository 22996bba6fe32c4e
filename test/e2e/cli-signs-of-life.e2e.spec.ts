import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { echoSteps, runGoal, withSigningKey } from '../support/cli-fixtures.js';
import { registerAgent } from '../support/in-process-fixtures.js';
import { spawnCli } from '../support/cli-process.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { runInTerminal, withoutEscapes } from '../support/pseudo-terminal.js';
import { runEvents, waitFor } from '../support/run-inspection.js';

const TENANT = 'tenant-signs';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** Issue 19, point 4: signs of life, Ctrl-C and progress bars, on the built CLI in its own process. */
describe('signs of life', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let echoAgent: string;
  let waitAgent: string;

  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url });
    echoAgent = await registerAgent(env, TENANT, echoSteps);
    waitAgent = await registerAgent(env, TENANT, [
      { skill: 'echo', params: { message: '{{goal}}' } },
      { skill: 'wait', params: { ms: 6_000 } },
      { skill: 'echo', params: { message: 'after the wait' } },
    ]);
  });
  afterAll(async () => db.drop());

  it('aos run prints the run id before any step, then each step as it ends, on stderr', async () => {
    const run = await runCli(
      'aos',
      ['run', '--tenant-id', TENANT, '--agent-id', echoAgent, '--goal', 'hi'],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    const runId = /Run ID: (\S+)/.exec(run.stdout)?.[1];
    expect(run.stderr).toMatch(
      new RegExp(
        `^run ${runId} started\\nstep 0 echo: succeeded in \\d+ ms \\(OK\\)\\nstep 1 json_transform: succeeded in \\d+ ms \\(OK\\)\\n$`,
      ),
    );
  });

  it('aos run --quiet prints none; --json keeps stdout one document', async () => {
    const quiet = await runCli(
      'aos',
      ['run', '--tenant-id', TENANT, '--agent-id', echoAgent, '--goal', 'hi', '--quiet', '--json'],
      env,
    );
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(jsonOf(quiet)).toMatchObject({ status: 'succeeded' });
  });

  it('Ctrl-C during a step: exit 130 naming the run and its resume command; nothing half-written', async () => {
    const cli = spawnCli(
      'aos',
      ['run', '--tenant-id', TENANT, '--agent-id', waitAgent, '--goal', 'stop me'],
      env,
    );
    let stderr = '';
    cli.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    // The wait step runs once step 0 has ended (and was appended before it: wait is not pure).
    const runId = await waitFor('step 0 ended', async () => {
      const started = new RegExp(`^run (${UUID}) started\\nstep 0 echo: succeeded`).exec(stderr);
      return started?.[1];
    });
    await waitFor('step 0 recorded', async () =>
      (await runEvents(db.pool, runId)).some((e) => e.type === 'StepExecuted') ? true : undefined,
    );
    cli.child.kill('SIGINT');
    const ended = await cli.done;
    expect(ended.code).toBe(130);
    const resume = `aos runs resume --tenant-id ${TENANT} --run-id ${runId}`;
    expect(ended.stderr).toContain(`run ${runId} interrupted; resume with: ${resume}\n`);
    expect(ended.stdout).toBe('');
    const types = (await runEvents(db.pool, runId)).map((e) => e.type);
    expect(types).toEqual(['RunCreated', 'RunPlanned', 'RunStarted', 'StepExecuted']);

    // Its proof: VERIFIED for what is recorded, and it says the run is not complete, not sealed.
    const proof = await runCli('aos', ['proof', '--tenant-id', TENANT, '--run-id', runId], env);
    expect(proof.code, proof.stderr).toBe(0);
    expect(proof.stdout).toContain(
      'Verification status: VERIFIED (so far: the run is not complete and not sealed)',
    );
    expect(proof.stdout).toContain(
      `seal: NONE - the run is not complete (status running); continue it with: ${resume}`,
    );
    const proofJson = jsonOf<{ seal: { status: string } }>(
      await runCli('aos', ['proof', '--tenant-id', TENANT, '--run-id', runId, '--json'], env),
    );
    expect(proofJson.seal.status).toBe('not_completed');

    // The command it printed continues the run to its sealed end.
    const resumed = await runCli('aos', [...resume.split(' ').slice(1), '--json'], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(jsonOf(resumed)).toMatchObject({ status: 'succeeded', seal: { status: 'sealed' } });
    // Its signs of life: the steps it ran, from the first without a record.
    expect(resumed.stderr).toMatch(/^step 1 wait: succeeded in \d+ ms \(OK\)\nstep 2 echo: succeeded/);
  });

  describe('progress bars: on a terminal only', () => {
    let runId: string;
    let bundle: string;

    beforeAll(async () => {
      runId = (await runGoal(env, TENANT, echoAgent, 'bars')).run_id;
      bundle = join(await mkdtemp(join(tmpdir(), 'aos-bars-')), 'bundle.json');
    });

    it('aos export draws one on the terminal; into a pipe, stderr has nothing', async () => {
      const args = ['export', '--tenant-id', TENANT, '--run-id', runId];
      const shown = await runInTerminal('aos', args, env, { redirect: bundle });
      expect(shown.code, shown.output).toBe(0);
      expect(withoutEscapes(shown.output)).toContain('exporting run events [');
      const piped = await runCli('aos', args, env);
      expect(piped.code).toBe(0);
      expect(piped.stderr).toBe('');
    });

    it('aos verify draws one on the terminal, and still prints its verdict', async () => {
      const shown = await runInTerminal('aos', ['verify', bundle], env);
      expect(shown.code, shown.output).toBe(0);
      const text = withoutEscapes(shown.output);
      expect(text).toContain('verifying [');
      expect(text).toContain('Verification status: VERIFIED');
      const piped = await runCli('aos', ['verify', bundle], env);
      expect(piped.stderr).toBe('');
    });

    it('aos-int projections rebuild and verify-all draw one on the terminal', async () => {
      const rebuilt = await runInTerminal('aos-int', ['projections', 'rebuild'], env);
      expect(rebuilt.code, rebuilt.output).toBe(0);
      expect(withoutEscapes(rebuilt.output)).toMatch(/rebuilding the trace tables: \d+ events replayed/);
      const all = await runInTerminal('aos-int', ['verify-all', '--tenant-id', TENANT], env);
      expect(withoutEscapes(all.output)).toMatch(/verifying runs \[.*\] \d+\/\d+/);
      const piped = await runCli('aos-int', ['projections', 'rebuild'], env);
      expect(piped.code).toBe(0);
      expect(piped.stderr).toBe('');
    });
  });
});
