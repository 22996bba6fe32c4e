import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { randomUUID } from 'node:crypto';
import type { AppendSample, EventShape } from './append-bench.js';
import type { BenchDatabase } from './bench-database.js';
import { startCpuMeter, startWalMeter } from './wal-meter.js';
import { runWorkers } from './workers.js';

/** Our run's events with another run id (RunCreated carries it) and goal. */
const eventsOfRun = (shape: readonly EventShape[], runId: string, goal: string): EventShape[] =>
  shape.map((event) =>
    event.type === 'RunCreated' ? { type: event.type, data: { ...event.data, run_id: runId, goal } } : event,
  );

/** The peer: Emmett's PostgreSQL event store appending the same events, one event per append with
 * the expected stream version, by the same number of workers on a pool of the same size, in its
 * own database on the same server. No chain and no projection. */
export const appendEmmett = async (
  database: BenchDatabase,
  runners: number,
  runs: number,
  shape: readonly EventShape[],
): Promise<AppendSample> => {
  const pool = database.pool(runners + 2);
  const store = getPostgreSQLEventStore(database.url, {
    schema: { autoMigration: 'CreateOrUpdate' },
    connectionOptions: { pool },
  });
  let events = 0;
  const execute = async (goal: string) => {
    const runId = randomUUID();
    const stream = `aos-run-${runId}`;
    let version: bigint | null = null;
    for (const event of eventsOfRun(shape, runId, goal)) {
      const appended: { readonly nextExpectedStreamVersion: bigint } = await store.appendToStream(
        stream,
        [event],
        { expectedStreamVersion: version ?? STREAM_DOES_NOT_EXIST },
      );
      version = appended.nextExpectedStreamVersion;
      events += 1;
    }
  };
  try {
    // Warm-up (untimed): the schema migration, connections, JIT.
    await execute('warm-up run 0');
    await runWorkers(runners, runners * 2, (i) => execute(`warm-up run ${i + 1}`));
    events = 0;
    const wal = await startWalMeter(pool);
    const cpu = startCpuMeter();
    const started = performance.now();
    await runWorkers(runners, runs, (i) => execute(`bench run ${i}`));
    const ms = performance.now() - started;
    const cpuMs = cpu.ms();
    return {
      runs,
      events,
      ms,
      eventsPerSecond: (events / ms) * 1000,
      projectionDrainMs: null,
      projectorPasses: null,
      walBytesPerEvent: (await wal.bytes()) / events,
      nodeCpuMsPerEvent: cpuMs / events,
    };
  } finally {
    await store.close().catch(() => undefined);
  }
};
