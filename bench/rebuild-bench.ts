import { runStreamId } from '../domain/stream-names.js';
import { randomUUID } from 'node:crypto';
import { postgresEventStore } from '../adapters/postgres/postgres-event-store.js';
import { systemClock } from '../adapters/system-clock.js';
import { rebuildProjections } from '../adapters/postgres/read-model/rebuild.js';
import type { BenchServer } from './bench-database.js';
import { figure, limit, measure, type Figure } from './bench-report.js';
import { repeat } from './median.js';
import { BENCH_TENANT, registerEchoAgent } from './product-wiring.js';
import { progress } from './progress.js';
import { shortRunEvents } from './run-events.js';
import { storageReport, type StorageReport } from './storage-sizes.js';
import { runWorkers } from './workers.js';

const GOAL_EVENTS_PER_SECOND = 20_000;
const SEED_WRITERS = 4;
const STEPS_PER_RUN = 6; // 10 events per run

/** The product's tables (LIKE patterns): the event store and every projection. */
export const AOS_TABLES = ['aos_%', 'runs', 'agents'];

/** Projections rebuilt from scratch (`rebuildProjections`: one transaction, truncate and replay)
 * over `runs` completed runs of 10 events, seeded fast: made by the domain and appended one run
 * per append by several writers. Also measures the storage each event takes. */
export const rebuildBench = async (
  server: BenchServer,
  runs: number,
  reps: number,
): Promise<{ figures: Figure[]; storage: StorageReport; seedEventsPerSecond: number }> => {
  const database = await server.database('bench_rebuild', { migrated: true });
  try {
    const seedPool = database.pool(SEED_WRITERS + 1, { bulk: true });
    const seedStore = postgresEventStore(seedPool);
    const agent = await registerEchoAgent(seedStore, BENCH_TENANT, STEPS_PER_RUN);
    progress(`rebuild: seeding ${runs.toLocaleString('en-US')} runs of ${STEPS_PER_RUN + 4} events`);
    const seedStarted = performance.now();
    let seeded = 1; // the agent's event
    await runWorkers(SEED_WRITERS, runs, async (i) => {
      const runId = randomUUID();
      const events = shortRunEvents(agent, runId, `run ${i}`, STEPS_PER_RUN, systemClock.now());
      const appended = await seedStore.appendToStream(BENCH_TENANT, runStreamId(runId), 0, events)();
      if (appended._tag === 'Left') throw new Error(`seeding failed: ${JSON.stringify(appended.left)}`);
      seeded += events.length;
    });
    const seedEventsPerSecond = (seeded / (performance.now() - seedStarted)) * 1000;
    progress(
      `rebuild: seeded ${seeded.toLocaleString('en-US')} events at ${seedEventsPerSecond.toFixed(0)} events/s (one run per append, ${SEED_WRITERS} writers, synchronous_commit off)`,
    );

    const pool = database.pool(2);
    const store = postgresEventStore(pool);
    const samples = await repeat(reps, async (rep) => {
      const started = performance.now();
      const rebuilt = await rebuildProjections(pool, store);
      const ms = performance.now() - started;
      if (rebuilt._tag === 'Left') throw new Error(`rebuild failed: ${JSON.stringify(rebuilt.left)}`);
      if (rebuilt.right.applied !== seeded)
        throw new Error(`rebuild applied ${rebuilt.right.applied} events of ${seeded}`);
      const rate = (rebuilt.right.applied / ms) * 1000;
      progress(
        `rebuild rep ${rep}: ${rebuilt.right.applied} events in ${ms.toFixed(0)} ms = ${rate.toFixed(0)} events/s`,
      );
      return rate;
    });
    const storage = await storageReport(pool, database.name, AOS_TABLES, 'aos_events');
    const figures = [
      figure(
        'Rebuild',
        `projections rebuilt from ${seeded.toLocaleString('en-US')} events`,
        measure('rebuildProjections', 'events/s', samples),
        limit('goal', 'events/s', GOAL_EVENTS_PER_SECOND),
        'ours/goal',
        { text: '≥ 1× (20,000 ev/s)', test: (r) => r >= 1 },
        { events: seeded },
      ),
    ];
    return { figures, storage, seedEventsPerSecond };
  } finally {
    await database.drop();
  }
};
