import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../cli/exit-codes.js';
import { jsonOf, runCli } from '../support/cli.js';
import { runGoal, tableCounts } from '../support/cli-fixtures.js';
import { type TestDatabase } from '../support/fresh-database.js';
import { beforeAllEchoAgent } from '../support/echo-agent-database.js';

const TENANT = 'tenant-exits';

/** Issue 19, point 7: exit codes and messages as the README's table says, on the built CLI. */
describe('exit codes and messages', () => {
  it("the README's exit-code table has exactly the codes of cli/exit-codes.ts (and 141)", async () => {
    const readme = await readFile('README.md', 'utf8');
    const table = readme.slice(readme.indexOf('| code  | meaning'));
    const codes = [...table.matchAll(/^\| `(\d+)` +\|/gm)].map((m) => Number(m[1]));
    expect(codes).toEqual([...Object.values(ExitCode), 141].sort((a, b) => a - b));
  });

  it.each([
    ['not a url', 2, 'DATABASE_URL: is not a URL of the form postgres://'],
    ['http://db.example/aos', 2, 'DATABASE_URL: the scheme is "http:", not postgres: or postgresql:'],
    ['postgres://u:secret@localhost:99999/aos', 2, 'DATABASE_URL: the port "99999" is not a number'],
    ['postgres://u:secret@:5432/aos', 2, 'DATABASE_URL: names no host'],
    ['postgres://bad', 4, 'DATABASE_URL: the host "bad" was not found'],
    ['postgres://u:secret@127.0.0.1:1/aos', 4, 'DATABASE_URL: nothing accepts connections at 127.0.0.1:1'],
  ])('DATABASE_URL=%s → exit %i naming the part at fault', async (url, code, message) => {
    const result = await runCli('aos', ['runs', 'list', '--tenant-id', TENANT, '--json'], {
      DATABASE_URL: url,
    });
    expect(result.code, result.stderr).toBe(code);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toContain('secret');
    expect(jsonOf<{ error: { message: string } }>(result).error.message).toContain(message);
  });

  describe('with a database', () => {
    let db: TestDatabase;
    let env: NodeJS.ProcessEnv;
    let agentId: string;

    beforeAllEchoAgent(TENANT, (given) => ({ db, env, agentId } = given));

    it('a database that does not exist on the server is named (exit 4)', async () => {
      const url = new URL(db.url);
      url.pathname = '/aos_no_such_database';
      const result = await runCli('aos', ['runs', 'list', '--tenant-id', TENANT], { DATABASE_URL: url.href });
      expect(result.code).toBe(4);
      expect(result.stderr).toContain('DATABASE_URL: the database does not exist on that server');
    });

    it('run ids are taken in any letter case', async () => {
      const run = await runGoal(env, TENANT, agentId, 'upper case');
      const upper = run.run_id.toUpperCase();
      for (const args of [
        ['proof', '--tenant-id', TENANT, '--run-id', upper, '--json'],
        ['runs', 'get', '--tenant-id', TENANT, '--run-id', upper, '--json'],
        ['events', '--tenant-id', TENANT, '--run-id', upper, '--json'],
      ]) {
        const result = await runCli('aos', args, env);
        expect(result.code, `${args[0]}: ${result.stderr}`).toBe(0);
        expect(jsonOf<{ run_id?: string }>(result).run_id ?? run.run_id).toBe(run.run_id);
      }
    });

    it('keys init with a key already there: exit 1, or 0 with --if-missing, nothing changed', async () => {
      const keysEnv = { AOS_KEYS_DIR: env.AOS_KEYS_DIR };
      const key = await readFile(join(env.AOS_KEYS_DIR!, 'signing-key.pem'));
      const again = await runCli('aos-int', ['keys', 'init'], keysEnv);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('a signing key already exists at');
      expect(again.stderr).toContain('--if-missing');
      const accepted = await runCli('aos-int', ['keys', 'init', '--if-missing'], keysEnv);
      expect(accepted.code, accepted.stderr).toBe(0);
      expect(accepted.stdout).toContain('a signing key already exists at');
      expect(accepted.stdout).toContain('nothing was changed');
      const json = await runCli('aos-int', ['keys', 'init', '--if-missing', '--json'], keysEnv);
      expect(jsonOf(json)).toMatchObject({ created: false });
      expect(await readFile(join(env.AOS_KEYS_DIR!, 'signing-key.pem'))).toEqual(key);
      const fresh = { AOS_KEYS_DIR: await mkdtemp(join(tmpdir(), 'aos-keys-')) };
      const made = await runCli('aos-int', ['keys', 'init', '--if-missing', '--json'], fresh);
      expect(made.code, made.stderr).toBe(0);
      expect(jsonOf(made)).toMatchObject({ created: true, active: { key_id: expect.any(String) } });
    });

    it('a plan template file too large is a usage error (exit 2), nothing read or written', async () => {
      const file = join(await mkdtemp(join(tmpdir(), 'aos-big-')), 'template.json');
      await writeFile(file, `{"steps":[${'{},'.repeat(400_000)}{}]}`);
      const before = await tableCounts(db.pool);
      const result = await runCli(
        'aos',
        ['agents', 'create', '--tenant-id', TENANT, '--name', 'big', '--plan-template', file, '--json'],
        env,
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /--plan-template: cannot read .* it is \d+ bytes, over the limit of 1048576/,
      );
      expect(jsonOf<{ error: { field: string } }>(result).error.field).toBe('plan-template');
      expect(await tableCounts(db.pool)).toEqual(before);
    });

    it('a bundle to verify over --max-bytes is a usage error (exit 2)', async () => {
      const run = await runGoal(env, TENANT, agentId, 'bundle');
      const exported = await runCli('aos', ['export', '--tenant-id', TENANT, '--run-id', run.run_id], env);
      const file = join(await mkdtemp(join(tmpdir(), 'aos-bundle-')), 'bundle.json');
      await writeFile(file, exported.stdout);
      const result = await runCli('aos', ['verify', file, '--max-bytes', '100'], env);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('over the limit of 100 bytes');
    });
  });
});
