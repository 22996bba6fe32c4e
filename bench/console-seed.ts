import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { postgresEventStore } from '../adapters/postgres/postgres-event-store.js';
import { rebuildProjections } from '../adapters/postgres/read-model/rebuild.js';
import { systemClock } from '../adapters/system-clock.js';
import { runStreamId } from '../domain/stream-names.js';
import type { BenchDatabase } from './bench-database.js';
import { spawnNode } from './child-processes.js';
import { createToken, exited, listeningWhenReady } from './ingest-server.js';
import { seedLongRun } from './long-run-seeder.js';
import { BENCH_TENANT, registerEchoAgent } from './product-wiring.js';
import { progress } from './progress.js';
import { shortRunEvents } from './run-events.js';
import { cliEnvironment, cliPath, type BenchKeys } from './signing-key.js';
import { runWorkers } from './workers.js';

const SEED_WRITERS = 4;

/** What the console bench opens: one long sealed run, a sealed run of one step beside it, and the
 * tenant's runs (both among them). */
export type ConsoleSeed = {
  readonly longRunId: string;
  readonly shortRunId: string;
  readonly runs: number;
};

/** `runs` one-step runs of BENCH_TENANT made by the domain and appended one run per append by
 * several writers, projected by the product's projector (a rebuild: truncate and replay), then two
 * sealed runs, of one step and of `steps` steps, appended as the runner appends and projected by
 * catch-up passes. */
export const seedConsoleRuns = async (
  database: BenchDatabase,
  runs: number,
  steps: number,
  keys: BenchKeys,
): Promise<ConsoleSeed> => {
  const pool = database.pool(SEED_WRITERS + 1, { bulk: true });
  const store = postgresEventStore(pool);
  const agent = await registerEchoAgent(store, BENCH_TENANT, 1);
  progress(`console: seeding ${runs.toLocaleString('en-US')} runs of one step`);
  const started = performance.now();
  await runWorkers(SEED_WRITERS, runs, async (i) => {
    const runId = randomUUID();
    const events = shortRunEvents(agent, runId, `run ${i}`, 1, systemClock.now());
    const appended = await store.appendToStream(BENCH_TENANT, runStreamId(runId), 0, events)();
    if (appended._tag === 'Left') throw new Error(`seeding failed: ${JSON.stringify(appended.left)}`);
  });
  const rebuilt = await rebuildProjections(pool, store);
  if (rebuilt._tag === 'Left') throw new Error(`projecting failed: ${JSON.stringify(rebuilt.left)}`);
  progress(
    `console: ${runs.toLocaleString('en-US')} runs appended and projected in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const short = await seedLongRun(pool, store, agent, 1, keys.signer);
  const long = await seedLongRun(pool, store, agent, steps, keys.signer);
  return { longRunId: long.runId, shortRunId: short.runId, runs: runs + 2 };
};

/** `aos serve` as shipped on the bench database, and a read token of BENCH_TENANT. */
export type ConsoleServer = {
  readonly base: string;
  readonly token: string;
  stop(): Promise<void>;
};

export const startConsoleServer = async (
  database: BenchDatabase,
  keys: BenchKeys,
): Promise<ConsoleServer> => {
  const env = cliEnvironment(database.url, keys.directory);
  const token = await createToken(env, BENCH_TENANT, 'read');
  const child: ChildProcess = spawnNode([cliPath('aos'), 'serve', '--listen', '127.0.0.1:0'], env);
  const port = await listeningWhenReady(child);
  return {
    base: `http://127.0.0.1:${port}`,
    token,
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
};
