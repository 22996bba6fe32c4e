import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { runGoal } from '../support/cli-fixtures.js';
import { beforeAllEchoAgent } from '../support/echo-agent-database.js';
import { runInTerminal } from '../support/pseudo-terminal.js';

const TENANT = 'tenant-conventions';
// eslint-disable-next-line no-control-regex -- finding colour escapes (SGR) is the point
const COLOUR = /\u001b\[[0-9;]*m/;

/** Issue 19, point 3: the conventions of a command-line tool, on the built CLI in its own process. */
describe('CLI conventions', () => {
  it('--version prints the package version, for aos and aos-int', async () => {
    const { version } = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    for (const bin of ['aos', 'aos-int'] as const) {
      const result = await runCli(bin, ['--version']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.trim()).toBe(version);
    }
  });

  it('-h is --help, at the top and for a command', async () => {
    const short = await runCli('aos', ['-h']);
    const long = await runCli('aos', ['--help']);
    expect(short.code).toBe(0);
    expect(short.stdout).toBe(long.stdout);
    expect(short.stdout).toContain('aos runs <action>');
    const run = await runCli('aos', ['run', '-h']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--quiet');
    expect(run.stdout).toContain('--output');
  });

  it('a bare aos, aos runs or aos-int prints its help on stdout and exits 0', async () => {
    const bare = await runCli('aos', []);
    expect(bare.code, bare.stderr).toBe(0);
    expect(bare.stdout).toContain('aos <command>');
    expect(bare.stderr).toBe('');
    const runs = await runCli('aos', ['runs']);
    expect(runs.code, runs.stderr).toBe(0);
    expect(runs.stdout).toContain('aos runs resume');
    expect(runs.stdout).toContain('aos runs list');
    const internal = await runCli('aos-int', []);
    expect(internal.code).toBe(0);
    expect(internal.stdout).toContain('aos-int keys <action>');
  });

  it('a missing action with options given is still a usage error (exit 2)', async () => {
    const result = await runCli('aos', ['runs', '--tenant-id', 'x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: /);
  });

  it('aos completion prints a completion script; the completions are the commands', async () => {
    const script = await runCli('aos', ['completion']);
    expect(script.code, script.stderr).toBe(0);
    expect(script.stdout).toContain('###-begin-aos-completions-###');
    expect(script.stdout).toContain('complete -o bashdefault -o default -F _aos_yargs_completions aos');
    const words = await runCli('aos', ['--get-yargs-completions', 'runs', '']);
    expect(words.code).toBe(0);
    expect(words.stdout.split('\n')).toEqual(expect.arrayContaining(['resume', 'get', 'list']));
  });

  it('prints no colour on a terminal, with NO_COLOR or without', async () => {
    for (const env of [{ NO_COLOR: '1' }, {}]) {
      const listed = await runInTerminal('aos', ['skills', 'list'], env);
      expect(listed.code).toBe(0);
      expect(listed.output).toContain('http_call');
      expect(listed.output).not.toMatch(COLOUR);
      const help = await runInTerminal('aos', ['--help'], env);
      expect(help.output).not.toMatch(COLOUR);
    }
  });

  describe('--json everywhere, with JSON values', () => {
    let env: NodeJS.ProcessEnv;
    let agentId: string;

    beforeAllEchoAgent(TENANT, (given) => ({ env, agentId } = given));

    it('aos run --json has the seal, and trace_count as aos proof --json calls it', async () => {
      const run = await runGoal(env, TENANT, agentId, 'values');
      expect(run.result.code, run.result.stderr).toBe(0);
      const document = jsonOf(run.result);
      expect(document).not.toHaveProperty('trace_rows');
      expect(document).toMatchObject({
        trace_count: 1,
        step_count: 2,
        seal: { status: 'sealed', key_id: expect.any(String), ledger_index: 0 },
      });
      const proof = jsonOf(
        await runCli('aos', ['proof', '--tenant-id', TENANT, '--run-id', run.run_id, '--json'], env),
      );
      expect(proof).toMatchObject({ trace_count: 1, step_count: 2, seal: document.seal });
    });

    it("aos proof --json prints a step row's params, outcome_data and attempts as JSON values", async () => {
      const run = await runGoal(env, TENANT, agentId, 'json values');
      const proof = await runCli(
        'aos',
        ['proof', '--tenant-id', TENANT, '--run-id', run.run_id, '--output', 'json'],
        env,
      );
      expect(proof.code, proof.stderr).toBe(0);
      const steps = jsonOf<{ aos_trace_steps: Record<string, unknown>[] }>(proof).aos_trace_steps;
      expect(steps[0]!.params).toEqual({ message: 'json values' });
      expect(steps[0]!.outcome_data).toEqual({ message: 'json values' });
      expect(steps[1]!.params).toEqual({ expression: 'message', input_from_step: 0 });
      expect(steps[1]!.outcome_data).toEqual({ result: 'json values' });
      expect(steps.map((step) => step.attempts)).toEqual([[], []]);
    });

    it('--output json is --json, for a list and for a failure', async () => {
      const listed = await runCli('aos', ['runs', 'list', '--tenant-id', TENANT, '--output', 'json'], env);
      expect(listed.code).toBe(0);
      expect(jsonOf<{ runs: unknown[] }>(listed).runs.length).toBeGreaterThan(0);
      const missing = await runCli(
        'aos',
        ['proof', '--tenant-id', TENANT, '--run-id', '0f8e2b1c-5d4a-4c3b-9a21-7e6f5d4c3b2a', '--output=json'],
        env,
      );
      expect(missing.code).toBe(3);
      expect(jsonOf<{ error: { code: string } }>(missing).error.code).toBe('not_found');
    });
  });
});
