import type { ChildProcess } from 'node:child_process';
import { processCpuMs } from './backend-cpu.js';
import type { BenchDatabase } from './bench-database.js';
import { runNode, spawnNode } from './child-processes.js';
import { pause } from './progress.js';
import { cliEnvironment, cliPath, type BenchKeys } from './signing-key.js';

/** `aos serve` as shipped, running against a bench database, with an ingest token of one tenant. */
export type IngestServer = {
  /** http://127.0.0.1:<port>/v1/traces */
  readonly url: string;
  readonly token: string;
  /** CPU (user + system, ms) the server process has used so far; null where it cannot be read. */
  cpuMs(): number | null;
  /** SIGTERM, then waits for its exit (it seals what is staged before it ends). */
  stop(): Promise<void>;
};

/** What stderr said last (the server logs a line per request: only the tail is kept, for errors). */
export const TAIL_CHARS = 64 * 1024;

const listeningPort = (stderr: string): number | null => {
  // Whole lines only: the last may still be coming.
  for (const line of stderr.split('\n').slice(0, -1)) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { msg?: unknown };
    const port = /^listening on .*:(\d+)$/.exec(String(entry.msg))?.[1];
    if (port !== undefined) return Number(port);
  }
  return null;
};

/** Waits for the "listening on" log line (JSON on stderr) and returns the port; fails if the
 * server ends first or takes longer than `timeoutMs`. */
export const waitForPort = async (
  child: ChildProcess,
  tail: () => string,
  timeoutMs: number,
): Promise<number> => {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const port = listeningPort(tail());
    if (port !== null) return port;
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`aos serve ended before listening: ${tail()}`);
    if (performance.now() > deadline) throw new Error(`aos serve not listening after ${timeoutMs} ms`);
    await pause(50);
  }
};

/** Waits until GET /readyz answers 200 (the database open and migrated). */
export const waitForReady = async (port: number, timeoutMs: number): Promise<void> => {
  const deadline = performance.now() + timeoutMs;
  while ((await fetch(`http://127.0.0.1:${port}/readyz`)).status !== 200) {
    if (performance.now() > deadline) throw new Error(`aos serve not ready after ${timeoutMs} ms`);
    await pause(50);
  }
};

/** `aos-int tokens create` of the shipped CLI (of `scope`, else the default): the token's secret. */
export const createToken = async (
  env: NodeJS.ProcessEnv,
  tenantId: string,
  scope?: string,
): Promise<string> => {
  const created = await runNode(
    [
      cliPath('aos-int'),
      'tokens',
      'create',
      '--tenant-id',
      tenantId,
      ...(scope === undefined ? [] : ['--scope', scope]),
      '--json',
    ],
    env,
    { timeoutMs: 60_000 },
  );
  if (created.code !== 0)
    throw new Error(`aos-int tokens create failed (${created.code}): ${created.stderr}`);
  return (JSON.parse(created.stdout) as { token: string }).token;
};

/** The port `aos serve` (the child) logged once it is ready; the child killed if it never is. */
export const listeningWhenReady = async (child: ChildProcess): Promise<number> => {
  let tail = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-TAIL_CHARS);
  });
  try {
    const port = await waitForPort(child, () => tail, 60_000);
    await waitForReady(port, 60_000);
    return port;
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
};

export const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));

/** Starts `node dist/bin/aos.js serve --listen 127.0.0.1:0 --quiet-period-ms N` on `database`
 * (AOS_REDACT_KEYS unset: the default redaction), `nodeArgs` before the script (e.g. --cpu-prof). */
export const startIngestServer = async (
  database: BenchDatabase,
  keys: BenchKeys,
  tenantId: string,
  options: { readonly quietPeriodMs: number; readonly nodeArgs?: readonly string[] },
): Promise<IngestServer> => {
  const env = cliEnvironment(database.url, keys.directory);
  delete env.AOS_REDACT_KEYS;
  const token = await createToken(env, tenantId);
  const child = spawnNode(
    [
      ...(options.nodeArgs ?? []),
      cliPath('aos'),
      'serve',
      '--listen',
      '127.0.0.1:0',
      '--quiet-period-ms',
      String(options.quietPeriodMs),
    ],
    env,
  );
  const port = await listeningWhenReady(child);
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    token,
    cpuMs: () => (child.pid === undefined ? null : processCpuMs(child.pid)),
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
};
