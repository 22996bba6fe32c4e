import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli, type CliResult } from '../support/cli.js';
import { runCliWithin } from '../support/cli-process.js';
import { echoSteps, runGoal, withSigningKey } from '../support/cli-fixtures.js';
import { registerAgent } from '../support/in-process-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';

/**
 * What `aos verify` does with a file that is not evidence: prose, JSON cut short, a file too large
 * to read, a FIFO. A usage error (exit 2) that names what it found, decided before the file is
 * read when its size or type already says so, and never a verdict (exit 1) about a tree head or a
 * bundle the file never was.
 */
const TENANT = 'tenant-verify-input';
const DEFAULT_LIMIT = 64 * 1024 * 1024;

type UsageError = { error: { code: string; field: string; message: string } };

const runWithin = (ms: number, args: string[], env: NodeJS.ProcessEnv) => runCliWithin(ms, 'aos', args, env);

describe('aos verify: a file that is neither a bundle nor a tree head', () => {
  let db: TestDatabase;
  let directory: string;
  /** No database and an empty AOS_HOME: none of these files may get as far as needing one. */
  let offline: NodeJS.ProcessEnv;
  let exported: string;
  /** The sealing key's public key record, as an auditor pins it. */
  let keyFile: string;

  const file = async (name: string, text: string): Promise<string> => {
    const path = join(directory, name);
    await writeFile(path, text);
    return path;
  };
  const refused = (result: CliResult) => {
    expect(result.code, result.stderr).toBe(2);
    const { error } = jsonOf<UsageError>(result);
    expect(error).toMatchObject({ code: 'invalid_input', field: 'file' });
    expect(result.stderr).toContain(error.message);
    return error.message;
  };

  beforeAll(async () => {
    db = await freshDatabase();
    const env = await withSigningKey({ DATABASE_URL: db.url });
    directory = await mkdtemp(join(tmpdir(), 'aos-verify-input-'));
    offline = { AOS_HOME: await mkdtemp(join(tmpdir(), 'aos-home-offline-')) };
    const run = await runGoal(env, TENANT, await registerAgent(env, TENANT, echoSteps));
    expect(run.result.code, run.result.stderr).toBe(0);
    const result = await runCli('aos', ['export', '--tenant-id', TENANT, '--run-id', run.run_id], env);
    expect(result.code, result.stderr).toBe(0);
    exported = result.stdout;
    const publicKeys = join(env.AOS_KEYS_DIR ?? '', 'public-keys');
    keyFile = join(publicKeys, (await readdir(publicKeys))[0] ?? '');
  });
  afterAll(async () => {
    expect(await readdir(offline.AOS_HOME ?? '')).toEqual([]);
    await db.drop();
  });

  it('refuses prose: exit 2, "neither a bundle nor a tree head", the byte where JSON broke off', async () => {
    const path = await file('prose.txt', 'Some notes about the run\n');
    const message = refused(await runCli('aos', ['verify', path, '--json'], offline));
    expect(message).toBe(`--file: ${path} is neither a bundle nor a tree head (invalid JSON at byte 0)`);
  });

  it('refuses a bundle cut short (truncated JSON) the same way, naming the byte of the cut', async () => {
    const cut = exported.slice(0, Math.floor(exported.length / 2));
    const path = await file('truncated.json', cut);
    const message = refused(await runCli('aos', ['verify', path, '--json'], offline));
    expect(message).toBe(
      `--file: ${path} is neither a bundle nor a tree head (invalid JSON at byte ${Buffer.byteLength(cut)})`,
    );
    expect(message).not.toContain('not_json');
  });

  it('refuses a file over the size limit from its size, before reading it (a sparse 200 MB file)', async () => {
    const path = join(directory, 'huge.json');
    await writeFile(path, '');
    await truncate(path, 200 * 1024 * 1024);
    const started = performance.now();
    const message = refused(await runWithin(20_000, ['verify', path, '--json'], offline));
    expect(message).toBe(
      `--file: ${path} is ${200 * 1024 * 1024} bytes, over the limit of ${DEFAULT_LIMIT} bytes that aos verify reads; --max-bytes raises it (the bundle of a run of a million steps is some 600 MB)`,
    );
    // Reading and parsing 200 MB takes seconds; a refusal from fstat takes a CLI start-up.
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('takes --max-bytes to lower or raise the limit, and refuses one that is not a whole number', async () => {
    const path = await file('bundle.json', exported);
    const size = Buffer.byteLength(exported);
    const lowered = refused(await runCli('aos', ['verify', path, '--json', '--max-bytes', '1000'], offline));
    expect(lowered).toContain(`is ${size} bytes, over the limit of 1000 bytes`);
    const raised = await runCli(
      'aos',
      ['verify', path, '--json', '--max-bytes', String(size), '--public-key', keyFile],
      offline,
    );
    expect(raised.code, raised.stderr).toBe(0);
    expect(jsonOf<{ integrity: { verification_status: string } }>(raised).integrity.verification_status).toBe(
      'VERIFIED',
    );
    const bad = await runCli('aos', ['verify', path, '--json', '--max-bytes', '0x10'], offline);
    expect(bad.code).toBe(2);
    expect(jsonOf<UsageError>(bad).error.field).toBe('max-bytes');
  });

  it('streams a bundle file larger than the whole-read limit without --max-bytes (memory stays flat)', async () => {
    // The bundle, then 65 MiB of JSON whitespace: over 64 MiB, still one bundle.
    const path = await file('padded.json', exported + ' '.repeat(DEFAULT_LIMIT + 1024 * 1024));
    const verified = await runCli('aos', ['verify', path, '--json', '--public-key', keyFile], offline);
    expect(verified.code, verified.stderr).toBe(0);
    expect(
      jsonOf<{ integrity: { verification_status: string } }>(verified).integrity.verification_status,
    ).toBe('VERIFIED');
  });

  it('refuses a FIFO at once instead of waiting for a writer', { timeout: 30_000 }, async () => {
    const fifo = join(directory, 'bundle.fifo');
    execFileSync('mkfifo', [fifo]);
    const message = refused(await runWithin(20_000, ['verify', fifo, '--json'], offline));
    expect(message).toBe(`--file: cannot read ${fifo}: it is a FIFO, not a regular file`);
  });

  it('names a sealed bundle cut short when a key is pinned: N events sealed, M present', async () => {
    type Verdict = {
      integrity: { verification_status: string; failure_reason: string; divergence: unknown };
      seal: { status: string };
    };
    const bundle = JSON.parse(exported) as { events: unknown[]; checkpoint: { chain_length: number } };
    const sealed = bundle.checkpoint.chain_length;
    const present = sealed - 2;
    bundle.events = bundle.events.slice(0, present);
    const path = await file('cut.json', `${JSON.stringify(bundle, null, 2)}\n`);
    for (const pin of [['--public-key', keyFile], ['--trust-embedded-key']]) {
      const result = await runCli('aos', ['verify', path, '--json', ...pin], offline);
      expect(result.code, result.stderr).toBe(1);
      const verdict = jsonOf<Verdict>(result);
      expect(verdict.integrity.verification_status).toBe('FAILED');
      expect(verdict.integrity.failure_reason).toBe(
        `the bundle holds ${present} of the ${sealed} events its seal covers: events were removed after the run was sealed (${sealed} sealed, ${present} present)`,
      );
      expect(verdict.integrity.divergence).toEqual({
        source: 'checkpoint',
        seq: present,
        field: 'chain_length',
        expected: sealed,
        actual: present,
      });
      expect(verdict.seal.status).toBe('sealed');
    }
  });
});
