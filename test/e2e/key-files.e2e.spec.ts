import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli, type CliResult } from '../support/cli.js';
import { runCliWithin } from '../support/cli-process.js';
import { echoSteps, runGoal, tableCounts, withSigningKey } from '../support/cli-fixtures.js';
import { registerAgent } from '../support/in-process-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';

/**
 * Key files and directories that are not safe to trust are refused with a message, not used: a
 * key directory others may write, a private key others may read, a link, a FIFO (which made
 * `aos run` wait forever), /dev/zero. Each case must end within its timeout: a command that hangs
 * fails its test and is killed.
 */
const TENANT = 'tenant-key-files';
const WITHIN_MS = 20_000;

type ErrorJson = { error: { code: string; message: string; field?: string } };

/** The key files under test are the ones `aos-int keys init` itself writes. */
const BY_COMMAND = { byCommand: true } as const;

describe('key files that are not safe to trust', () => {
  let db: TestDatabase;
  let dbEnv: NodeJS.ProcessEnv;
  let agentId: string;

  beforeAll(async () => {
    db = await freshDatabase();
    dbEnv = { DATABASE_URL: db.url };
    agentId = await registerAgent(dbEnv, TENANT, echoSteps);
  });
  afterAll(async () => db.drop());

  const keysOf = (env: NodeJS.ProcessEnv) => env.AOS_KEYS_DIR ?? '';
  const pem = (env: NodeJS.ProcessEnv) => join(keysOf(env), 'signing-key.pem');
  const publicKeys = (env: NodeJS.ProcessEnv) => join(keysOf(env), 'public-keys');
  /** `aos run` refused before anything is written: exit 4, key_file_refused, the message. */
  const refusesRun = async (env: NodeJS.ProcessEnv, message: string): Promise<CliResult> => {
    const before = await tableCounts(db.pool);
    const args = ['run', '--tenant-id', TENANT, '--agent-id', agentId, '--goal', 'must not start', '--json'];
    const refused = await runCliWithin(WITHIN_MS, 'aos', args, env);
    expect(refused.code, refused.stderr).toBe(4);
    expect(jsonOf<ErrorJson>(refused).error.code).toBe('key_file_refused');
    expect(refused.stderr).toContain(message);
    expect(await tableCounts(db.pool)).toEqual(before);
    return refused;
  };

  it('runs with the key directory keys init made: the cases below break only what they name', async () => {
    const run = await runGoal(await withSigningKey(dbEnv, BY_COMMAND), TENANT, agentId);
    expect(run.result.code, run.result.stderr).toBe(0);
  });

  it('refuses a key directory writable by group or others (0777)', async () => {
    const env = await withSigningKey(dbEnv, BY_COMMAND);
    await chmod(keysOf(env), 0o777);
    await refusesRun(
      env,
      `the key directory ${keysOf(env)} is writable by group or others (mode 0777): \`chmod go-w\` it`,
    );
    const init = await runCli('aos-int', ['keys', 'init', '--json'], env);
    expect(init.code).toBe(4);
    expect(jsonOf<ErrorJson>(init).error.code).toBe('infrastructure');
    expect(init.stderr).toContain('is writable by group or others (mode 0777)');
  });

  it('refuses a public-keys directory writable by others: the keys it holds are trusted', async () => {
    const env = await withSigningKey(dbEnv, BY_COMMAND);
    await chmod(publicKeys(env), 0o757);
    await refusesRun(env, `the key directory ${publicKeys(env)} is writable by group or others (mode 0757)`);
  });

  it.each([
    [0o644, '0644'],
    [0o640, '0640'],
    [0o604, '0604'],
  ])('refuses a private key others may read (mode %i, %s)', async (mode, octal) => {
    const env = await withSigningKey(dbEnv, BY_COMMAND);
    await chmod(pem(env), mode);
    await refusesRun(
      env,
      `the signing key ${pem(env)} is readable or writable by group or others (mode ${octal}): \`chmod 600\` it; if others may have read it, rotate the key afterwards`,
    );
    const listed = await runCli('aos-int', ['keys', 'list', '--json'], env);
    expect(listed.code).toBe(4);
    expect(listed.stderr).toContain(`(mode ${octal})`);
  });

  it('refuses a private key that is a symbolic link, even to a real key', async () => {
    const env = await withSigningKey(dbEnv, BY_COMMAND);
    const elsewhere = join(await mkdtemp(join(tmpdir(), 'aos-key-elsewhere-')), 'signing-key.pem');
    await rename(pem(env), elsewhere);
    await symlink(elsewhere, pem(env));
    await refusesRun(env, `the signing key ${pem(env)} is a symbolic link, which is not followed`);
  });

  it('refuses a key directory that is a symbolic link', async () => {
    const env = await withSigningKey(dbEnv, BY_COMMAND);
    const link = join(await mkdtemp(join(tmpdir(), 'aos-keys-link-')), 'keys');
    await symlink(keysOf(env), link);
    await refusesRun({ ...env, AOS_KEYS_DIR: link }, `the key directory ${link} is a symbolic link`);
  });

  it('refuses a private key that is a FIFO at once, without waiting for a writer', async () => {
    const env = await withSigningKey(dbEnv, BY_COMMAND);
    await rm(pem(env));
    execFileSync('mkfifo', ['-m', '600', pem(env)]);
    await refusesRun(env, `the signing key ${pem(env)} is a FIFO, not a regular file`);
  });

  it('refuses a public key record that is a FIFO', async () => {
    const env = await withSigningKey(dbEnv, BY_COMMAND);
    execFileSync('mkfifo', ['-m', '644', join(publicKeys(env), 'ffffffffffffffff.json')]);
    await refusesRun(env, 'ffffffffffffffff.json is a FIFO, not a regular file');
  });

  it('refuses /dev/zero as the private key, behind a link', async () => {
    const env = await withSigningKey(dbEnv, BY_COMMAND);
    await rm(pem(env));
    await symlink('/dev/zero', pem(env));
    await refusesRun(env, `the signing key ${pem(env)} is a symbolic link`);
  });

  describe('aos verify --public-key, a file the auditor names (links followed)', () => {
    let bundleFile: string;
    beforeAll(async () => {
      const env = await withSigningKey(dbEnv, BY_COMMAND);
      const run = await runGoal(env, TENANT, agentId);
      expect(run.result.code, run.result.stderr).toBe(0);
      const exported = await runCli('aos', ['export', '--tenant-id', TENANT, '--run-id', run.run_id], env);
      expect(exported.code, exported.stderr).toBe(0);
      bundleFile = join(await mkdtemp(join(tmpdir(), 'aos-key-files-bundle-')), 'bundle.json');
      await writeFile(bundleFile, exported.stdout);
    });

    it.each([
      ['/dev/zero', async () => '/dev/zero', 'is a character device, not a regular file'],
      [
        'a FIFO',
        async () => {
          const fifo = join(await mkdtemp(join(tmpdir(), 'aos-key-fifo-')), 'key.json');
          execFileSync('mkfifo', [fifo]);
          return fifo;
        },
        'is a FIFO, not a regular file',
      ],
    ])('refuses %s as the trusted key: exit 2, at once', async (_case, make, message) => {
      const key = await make();
      const refused = await runCliWithin(
        WITHIN_MS,
        'aos',
        ['verify', bundleFile, '--public-key', key, '--json'],
        { AOS_HOME: await mkdtemp(join(tmpdir(), 'aos-home-')) },
      );
      expect(refused.code, refused.stderr).toBe(2);
      expect(jsonOf<ErrorJson>(refused).error).toMatchObject({
        field: 'public-key',
        message: `--public-key: cannot read ${key}: it ${message}`,
      });
    });
  });

  it('keeps the key directory keys init makes usable: private key 0600, directory 0700', async () => {
    const env = await withSigningKey(dbEnv, BY_COMMAND);
    expect(await readdir(keysOf(env))).toEqual(expect.arrayContaining(['signing-key.pem', 'public-keys']));
    const rotated = await runCli('aos-int', ['keys', 'rotate', '--json'], env);
    expect(rotated.code, rotated.stderr).toBe(0);
    const run = await runGoal(env, TENANT, agentId);
    expect(run.result.code, run.result.stderr).toBe(0);
  });
});
