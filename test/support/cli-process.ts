import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { expect } from 'vitest';
import type { CliResult } from './cli.js';
import { waitFor } from './run-inspection.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

export type CliChild = {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult & { signal: NodeJS.Signals | null }>;
};

/** Starts the built CLI in its own process (as runCli does) and hands back the process, so that a
 * test can stop or kill it while it works. The embedded database is stopped by the last command
 * (AOS_DB_IDLE_SECONDS=0) unless the test says otherwise: no test leaves a server idling. */
export const spawnCli = (
  bin: 'aos' | 'aos-int',
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): CliChild => {
  const spawnLog = process.env.AOS_TEST_SPAWN_LOG;
  const started = Date.now();
  const file = spawnLog ? expect.getState().testPath : undefined; // the spawning file's, not the one running at close
  const child = spawn(process.execPath, [`${root}dist/bin/${bin}.js`, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, AOS_DB_IDLE_SECONDS: '0', ...env, CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (spawnLog)
        appendFileSync(
          spawnLog,
          `${JSON.stringify({ file, bin, command: args.slice(0, 2).join(' '), ms: Date.now() - started })}\n`,
        );
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
};

/** The CLI run to its end, or killed after `ms`: a command that hangs (a FIFO it waits on) fails
 * its test with this error and leaves no process behind. */
export const runCliWithin = async (
  ms: number,
  bin: 'aos' | 'aos-int',
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<CliResult> => {
  const cli = spawnCli(bin, args, env);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), ms);
  });
  const ended = await Promise.race([cli.done, timeout]);
  clearTimeout(timer);
  if (ended === 'hung') {
    cli.child.kill('SIGKILL');
    await cli.done;
    throw new Error(`${bin} ${args.join(' ')} still ran after ${ms} ms`);
  }
  return ended;
};

/** SIGKILL, and wait until the process is gone. */
export const killHard = async (cli: CliChild): Promise<void> => {
  cli.child.kill('SIGKILL');
  const ended = await cli.done;
  if (ended.signal !== 'SIGKILL')
    throw new Error(`the CLI was not killed: it ended first (exit ${ended.code})\n${ended.stderr}`);
};

const GATE_KEY = 770_001;

/**
 * A gate in one test database: a BEFORE INSERT trigger on aos_events (test-only, in the test's own
 * database) that makes the append of an event of a given type at a given seq wait for an advisory
 * lock the test holds. It lets a test stop a writer at an exact point of a run instead of guessing
 * with sleeps: the writer's statement waits, visibly, in pg_locks.
 */
export type EventGate = {
  /** From now on, appends of `type` at `seq` wait until release(). */
  hold(type: string, seq: number): Promise<void>;
  /** Backend pids of writers waiting at the gate, once there are `count` of them. */
  waiters(count: number): Promise<number[]>;
  release(): Promise<void>;
  close(): Promise<void>;
};

export const installEventGate = async (pool: pg.Pool): Promise<EventGate> => {
  await pool.query(`
    CREATE TABLE IF NOT EXISTS aos_test_gate (event_type text NOT NULL, seq integer NOT NULL);
    GRANT SELECT ON aos_test_gate TO aos_writer; -- the trigger runs as the role that appends
    CREATE OR REPLACE FUNCTION aos_test_gate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM aos_test_gate g WHERE g.event_type = NEW.type AND g.seq = NEW.seq) THEN
        PERFORM pg_advisory_xact_lock_shared(${GATE_KEY});
      END IF;
      RETURN NEW;
    END $$;
    DROP TRIGGER IF EXISTS aos_test_gate ON aos_events;
    CREATE TRIGGER aos_test_gate BEFORE INSERT ON aos_events FOR EACH ROW EXECUTE FUNCTION aos_test_gate();`);
  const holder = await pool.connect();
  let held = false;
  const waiting = async () =>
    (
      await pool.query<{ pid: number }>(
        `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = $1
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY pid`,
        [GATE_KEY],
      )
    ).rows.map((r) => r.pid);
  return {
    hold: async (type, seq) => {
      await holder.query('INSERT INTO aos_test_gate (event_type, seq) VALUES ($1, $2)', [type, seq]);
      if (!held) await holder.query('SELECT pg_advisory_lock($1)', [GATE_KEY]);
      held = true;
    },
    waiters: (count) =>
      waitFor(`${count} writer(s) at the gate`, async () => {
        const pids = await waiting();
        return pids.length >= count ? pids : undefined;
      }),
    release: async () => {
      await holder.query('DELETE FROM aos_test_gate');
      if (held) await holder.query('SELECT pg_advisory_unlock($1)', [GATE_KEY]);
      held = false;
    },
    close: async () => {
      if (held) await holder.query('SELECT pg_advisory_unlock($1)', [GATE_KEY]).catch(() => undefined);
      holder.release();
    },
  };
};

/** The run ids of a tenant so far. */
export const runIdsOf = async (pool: pg.Pool, tenantId: string): Promise<string[]> =>
  (
    await pool.query<{ stream_id: string }>(
      `SELECT stream_id FROM aos_events WHERE tenant_id = $1 AND type = 'RunCreated'`,
      [tenantId],
    )
  ).rows.map((r) => r.stream_id.slice('aos-run-'.length));

/** The id of the run of a tenant that is not in `known` (the CLI prints a run id only when it ends). */
export const newRunId = (pool: pg.Pool, tenantId: string, known: readonly string[]): Promise<string> =>
  waitFor(`a new run of ${tenantId}`, async () => {
    const fresh = (await runIdsOf(pool, tenantId)).filter((id) => !known.includes(id));
    if (fresh.length > 1) throw new Error(`more than one new run: ${fresh.join(', ')}`);
    return fresh[0];
  });

/** Whether the run's stream holds an event of `type` at `seq` (committed). */
const hasEvent = async (pool: pg.Pool, runId: string, type: string, seq: number): Promise<boolean> =>
  (
    await pool.query('SELECT 1 FROM aos_events WHERE stream_id = $1 AND type = $2 AND seq = $3', [
      `aos-run-${runId}`,
      type,
      seq,
    ])
  ).rowCount === 1;

/**
 * Kills `cli` with SIGKILL right after its append of `type` at `seq` committed and before it could
 * do anything else: the writer waits at the gate, the process is stopped (SIGSTOP), the gate opens
 * and the append commits while the process cannot move, then SIGKILL.
 */
export const killRightAfter = async (
  pool: pg.Pool,
  gate: EventGate,
  cli: CliChild,
  run: { tenantId: string; known: readonly string[] },
  type: string,
  seq: number,
): Promise<string> => {
  await gate.waiters(1);
  cli.child.kill('SIGSTOP');
  await gate.release();
  const runId = await newRunId(pool, run.tenantId, run.known);
  await waitFor(`${type} at seq ${seq}`, async () =>
    (await hasEvent(pool, runId, type, seq)) ? true : undefined,
  );
  await killHard(cli);
  return runId;
};
