import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { processesMentioning } from '../support/postgres-processes.js';
import { preparedHomes } from '../support/prepared-home.js';
import { waitFor } from '../support/run-inspection.js';

/** The embedded server outliving its commands for AOS_DB_IDLE_SECONDS (issue 19, point 1), and
 * `aos db status` saying how to reach it with psql (point 6): on the built CLI, each in its own
 * process, each test with its own AOS_HOME (stopped with `aos db stop` at the end, whatever happens):
 * a copy of one initialised and migrated cluster (test/support/prepared-home.ts), empty for the
 * commands racing to start one server. */
const homes = preparedHomes('aos-home-idle-');

afterAll(async () => {
  for (const home of homes.all()) await runCli('aos', ['db', 'stop'], { AOS_HOME: home });
  await homes.removeAll();
});

type Status = {
  running: boolean;
  pid: number | null;
  port: number | null;
  users: number;
  idle_until: string | null;
  connection_url: string | null;
  password_file: string;
  data_directory: string;
};

const statusOf = async (env: NodeJS.ProcessEnv): Promise<Status> => {
  const result = await runCli('aos', ['db', 'status', '--json'], env);
  expect(result.code, result.stderr).toBe(0);
  return jsonOf<Status>(result);
};

/** The cluster's postmaster and the idle watcher: the processes naming this AOS_HOME. */
const processesOf = async (home: string) => {
  const pids = await processesMentioning(home);
  const watchers: number[] = [];
  for (const pid of pids) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('aos-db-idle')) watchers.push(pid);
  }
  return { all: pids, watchers };
};

const listRuns = (env: NodeJS.ProcessEnv) =>
  runCli('aos', ['runs', 'list', '--tenant-id', 't1', '--json'], env);

describe('the embedded server between commands (AOS_DB_IDLE_SECONDS)', () => {
  it('stays up after a command, the next command reuses it (same postmaster), and `aos db stop` ends it and its watcher', async () => {
    const home = await homes.prepared();
    const env = { AOS_HOME: home, AOS_DB_IDLE_SECONDS: '600' };
    const first = await listRuns(env);
    expect(first.code, first.stderr).toBe(0);
    const before = await statusOf(env);
    expect(before).toMatchObject({ running: true, users: 0 });
    const untilFirst = Date.parse(before.idle_until ?? '');
    expect(untilFirst - Date.now()).toBeGreaterThan(500_000);
    expect((await processesOf(home)).watchers).toHaveLength(1);

    const second = await listRuns(env);
    expect(second.code, second.stderr).toBe(0);
    const after = await statusOf(env);
    expect(after.pid).toBe(before.pid);
    expect(after.port).toBe(before.port);
    expect(Date.parse(after.idle_until ?? '')).toBeGreaterThanOrEqual(untilFirst); // the deadline moved on
    expect((await processesOf(home)).watchers).toHaveLength(1); // the same watcher, not a second one

    const stopped = await runCli('aos', ['db', 'stop', '--json'], env);
    expect(jsonOf(stopped)).toMatchObject({ stopped: true });
    await waitFor('the server and its watcher to end', async () =>
      (await processesOf(home)).all.length === 0 ? true : undefined,
    );
    expect(await statusOf(env)).toMatchObject({ running: false, pid: null, idle_until: null });

    // The next command starts a new server, and does not take it for the one it knew (serving.json).
    const again = await listRuns(env);
    expect(again.code, again.stderr).toBe(0);
    const restarted = await statusOf(env);
    expect(restarted.running).toBe(true);
    expect(restarted.pid).not.toBe(before.pid);
    expect((await listRuns(env)).code).toBe(0);
    expect((await statusOf(env)).pid).toBe(restarted.pid);
  });

  it('stops by itself once idle for the configured period, and no sooner', async () => {
    const home = await homes.prepared();
    const env = { AOS_HOME: home, AOS_DB_IDLE_SECONDS: '3' };
    const ran = await listRuns(env);
    const ended = Date.now();
    expect(ran.code, ran.stderr).toBe(0);
    expect((await statusOf(env)).running).toBe(true);
    await waitFor(
      'the idle server and its watcher to end',
      async () => ((await processesOf(home)).all.length === 0 ? true : undefined),
      30_000,
    );
    expect(Date.now() - ended).toBeGreaterThanOrEqual(3_000);
    expect(await statusOf(env)).toMatchObject({ running: false, idle_until: null });
  });

  it('gives commands started at the same moment one server and one watcher', async () => {
    const home = await homes.empty();
    const env = { AOS_HOME: home, AOS_DB_IDLE_SECONDS: '600' };
    const results = await Promise.all([1, 2, 3].map(() => listRuns(env)));
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const status = await statusOf(env);
    expect(status).toMatchObject({ running: true, users: 0 });
    const processes = await processesOf(home);
    expect(processes.watchers).toHaveLength(1);
    // One postmaster (and its own children, whose parent it is): no second cluster was started.
    const postmasters = processes.all.filter((pid) => !processes.watchers.includes(pid));
    expect(postmasters).toContain(status.pid);
  });

  it('is stopped by the last command when AOS_DB_IDLE_SECONDS is 0, watcher included', async () => {
    const home = await homes.prepared();
    const ran = await listRuns({ AOS_HOME: home, AOS_DB_IDLE_SECONDS: '600' });
    expect(ran.code, ran.stderr).toBe(0);
    expect((await listRuns({ AOS_HOME: home, AOS_DB_IDLE_SECONDS: '0' })).code).toBe(0);
    await waitFor('the server and its watcher to end', async () =>
      (await processesOf(home)).all.length === 0 ? true : undefined,
    );
  });

  it('refuses a bad AOS_DB_IDLE_SECONDS with exit 2, naming it, before starting anything', async () => {
    const home = await homes.empty();
    const result = await listRuns({ AOS_HOME: home, AOS_DB_IDLE_SECONDS: 'ten minutes' });
    expect(result.code).toBe(2);
    expect(jsonOf<{ error: { field: string } }>(result).error.field).toBe('AOS_DB_IDLE_SECONDS');
    expect((await processesOf(home)).all).toEqual([]);
  });
});

describe('`aos db status`: how to connect by hand', () => {
  it('prints a psql URL without the password and the password file, which together connect to the aos database', async () => {
    const home = await homes.prepared();
    const env = { AOS_HOME: home, AOS_DB_IDLE_SECONDS: '600' };
    expect((await listRuns(env)).code).toBe(0);
    const status = await statusOf(env);
    const password = (await readFile(status.password_file, 'utf8')).trim();
    expect(status.connection_url).toBe(`postgres://postgres@127.0.0.1:${status.port}/aos`);
    const text = await runCli('aos', ['db', 'status'], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout + text.stderr).not.toContain(password);
    expect(text.stdout).toContain(
      `PGPASSWORD="$(cat ${status.password_file})" psql ${status.connection_url ?? ''}`,
    );
    // What psql does with PGPASSWORD: the URL plus the file's password.
    const url = new URL(status.connection_url ?? '');
    const client = new pg.Client({
      host: url.hostname,
      port: Number(url.port),
      user: url.username,
      database: url.pathname.slice(1),
      password,
    });
    await client.connect();
    try {
      const tables = await client.query<{ name: string }>(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_name = 'aos_traces'",
      );
      expect(tables.rows).toEqual([{ name: 'aos_traces' }]);
    } finally {
      await client.end();
    }
  });
});
