import { execFileSync } from 'node:child_process';
import { access, chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli, type CliResult } from '../support/cli.js';
import { createAgent, echoSteps, tableCounts, withSigningKey } from '../support/cli-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { witnessFiles, type WitnessFiles } from '../support/witness-process.js';

type UsageError = { error: { code: string; field: string; message: string } };

/** Bad input to the witness and to what configures witnesses: exit 2, the field named, nothing written. */
describe('witness options and files that are not what they must be', () => {
  let files: WitnessFiles;
  let directory: string;
  let db: TestDatabase;

  const refused = (result: CliResult, field: string): string => {
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`--${field}`);
    return result.stderr;
  };
  const serve = (overrides: Record<string, string>) => {
    const options = {
      listen: '127.0.0.1:0',
      'state-dir': join(directory, 'state'),
      key: files.key,
      logs: files.logs,
      ...overrides,
    };
    return runCli('aos-int', [
      'witness',
      'serve',
      ...Object.entries(options).flatMap(([k, v]) => [`--${k}`, v]),
    ]);
  };

  beforeAll(async () => {
    files = await witnessFiles('log aos.runproof/t aos.runproof+00000000+AQ==\n');
    directory = await mkdtemp(join(tmpdir(), 'aos-witness-bad-'));
    db = await freshDatabase();
  });
  afterAll(async () => db.drop());

  it('refuses a malformed --listen, a --key that is not a private Ed25519 key or that others may read, and a --logs that is not a list of logs', async () => {
    refused(await serve({ listen: 'nowhere' }), 'listen');
    const publicPem = join(directory, 'public.pem');
    execFileSync('openssl', ['pkey', '-in', files.key, '-pubout', '-out', publicPem]);
    await chmod(publicPem, 0o600);
    refused(await serve({ key: publicPem }), 'key');
    const readable = join(directory, 'readable.pem');
    execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', readable]);
    await chmod(readable, 0o644);
    refused(await serve({ key: readable }), 'key');
    expect(refused(await serve({}), 'logs')).toContain('line 1');
    await expect(access(join(directory, 'state'))).rejects.toThrow();
  });

  it('refuses a witness policy that is not one (exit 2, naming --witness-policy)', async () => {
    const policy = join(directory, 'policy.txt');
    await writeFile(policy, 'witness w1 not-a-key\nquorum w1\n');
    const bundle = join(directory, 'bundle.json');
    await writeFile(bundle, '{}');
    const result = await runCli('aos', ['verify', bundle, '--witness-policy', policy, '--json'], {
      AOS_HOME: directory,
    });
    expect(result.code).toBe(2);
    expect(jsonOf<UsageError>(result).error).toMatchObject({
      field: 'witness-policy',
      message: expect.stringContaining('line 1'),
    });
  });

  it('refuses aos run with a malformed AOS_WITNESSES_FILE before anything is written', async () => {
    const env = await withSigningKey({ DATABASE_URL: db.url });
    const agentId = await createAgent(env, 'tenant-bad-witnesses', echoSteps);
    const before = await tableCounts(db.pool);
    const witnessesFile = join(directory, 'witnesses.txt');
    await writeFile(witnessesFile, 'witness w1 not-a-key http://127.0.0.1:1\n');
    const result = await runCli(
      'aos',
      ['run', '--tenant-id', 'tenant-bad-witnesses', '--agent-id', agentId, '--goal', 'g', '--json'],
      { ...env, AOS_WITNESSES_FILE: witnessesFile },
    );
    expect(result.code, result.stderr).toBe(2);
    expect(jsonOf<UsageError>(result).error).toMatchObject({
      field: 'AOS_WITNESSES_FILE',
      message: expect.stringContaining('line 1'),
    });
    expect(await tableCounts(db.pool)).toEqual(before);
  });
});
