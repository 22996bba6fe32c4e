import { appendOurs, type AppendSample, type EventShape } from './append-bench.js';
import type { BenchDatabase, BenchServer } from './bench-database.js';
import type { BenchSizes } from './bench-options.js';
import { figure, measure, type Figure } from './bench-report.js';
import { appendEmmett } from './emmett-append.js';
import { median, repeat } from './median.js';
import { progress } from './progress.js';
import { storageReport, type StorageReport } from './storage-sizes.js';
import { AOS_TABLES } from './rebuild-bench.js';

const GOALS: Readonly<Record<number, { text: string; test: (ratio: number) => boolean }>> = {
  1: { text: '≥ 1.0×', test: (r) => r >= 1 },
  8: { text: '≥ 1.5×', test: (r) => r >= 1.5 },
};

const describe = (s: AppendSample) =>
  `${s.events} events in ${s.ms.toFixed(0)} ms = ${s.eventsPerSecond.toFixed(0)} events/s, WAL ${s.walBytesPerEvent.toFixed(0)} B/event, node CPU ${s.nodeCpuMsPerEvent.toFixed(2)} ms/event`;

/** What each event cost besides time: WAL and this process's CPU (medians). */
const costs = (samples: readonly AppendSample[]) =>
  `WAL ${median(samples.map((s) => s.walBytesPerEvent)).toFixed(0)} B/event, node CPU ${median(samples.map((s) => s.nodeCpuMsPerEvent)).toFixed(2)} ms/event`;

/** Runs `work` in a fresh database of the server, dropped afterwards. */
const inFreshDatabase = async <T>(
  server: BenchServer,
  name: string,
  migrated: boolean,
  work: (db: BenchDatabase) => Promise<T>,
): Promise<T> => {
  const database = await server.database(name, { migrated });
  try {
    return await work(database);
  } finally {
    await database.drop();
  }
};

/** Append at each runner count: our write path with projections (echo steps, pure: their records
 * go with the completion), our write path alone (where the time goes), our write path with every
 * step appended on its own (as for skills with effects) and Emmett's, each in a fresh database of
 * the same server, one after the other rep after rep so that load on the machine hits all four. */
export const appendSection = async (
  server: BenchServer,
  sizes: BenchSizes,
  reps: number,
): Promise<{ figures: Figure[]; storage: StorageReport[] }> => {
  const figures: Figure[] = [];
  const storage: StorageReport[] = [];
  const runs = sizes.appendRuns;
  for (const runners of sizes.appendRunners) {
    const measureStorage = (rep: number) =>
      runners === sizes.appendRunners[sizes.appendRunners.length - 1] && rep === reps;
    const samples = await repeat(reps, async (rep) => {
      const label = `append ${runners} runner(s) rep ${rep}`;
      const ours = await inFreshDatabase(server, `bench_append_ours_${runners}_${rep}`, true, async (db) => {
        const result = await appendOurs(db, runners, runs, true);
        if (measureStorage(rep))
          storage.push(await storageReport(db.pool(1), db.name, AOS_TABLES, 'aos_events'));
        return result;
      });
      progress(
        `${label}: ours ${describe(ours.sample)} (${ours.sample.projectorPasses} projector passes, drained ${ours.sample.projectionDrainMs?.toFixed(0)} ms after the last append)`,
      );
      const writeOnly = await inFreshDatabase(server, `bench_append_write_${runners}_${rep}`, true, (db) =>
        appendOurs(db, runners, runs, false),
      );
      progress(`${label}: ours without projections ${describe(writeOnly.sample)}`);
      const perStep = await inFreshDatabase(server, `bench_append_per_step_${runners}_${rep}`, true, (db) =>
        appendOurs(db, runners, runs, true, false),
      );
      progress(`${label}: ours, one append per step ${describe(perStep.sample)}`);
      const shape: EventShape[] = ours.shape;
      const emmett = await inFreshDatabase(
        server,
        `bench_append_emmett_${runners}_${rep}`,
        false,
        async (db) => {
          const sample = await appendEmmett(db, runners, runs, shape);
          if (measureStorage(rep))
            storage.push(await storageReport(db.pool(1), db.name, ['emt_%'], 'emt_messages'));
          return sample;
        },
      );
      progress(`${label}: emmett ${describe(emmett)}`);
      return { ours: ours.sample, writeOnly: writeOnly.sample, perStep: perStep.sample, emmett };
    });
    const eventsPerRun = samples[0] ? samples[0].ours.events / samples[0].ours.runs : Number.NaN;
    if (eventsPerRun !== sizes.eventsPerRun)
      progress(`warning: our runs produced ${eventsPerRun} events each, not ${sizes.eventsPerRun}`);
    const drain = samples.map((s) => s.ours.projectionDrainMs ?? Number.NaN);
    const emmett = measure(
      'Emmett 0.42',
      'events/s',
      samples.map((s) => s.emmett.eventsPerSecond),
      costs(samples.map((s) => s.emmett)),
    );
    const name = `${runners} runner${runners > 1 ? 's' : ''} (pool ${runners + 2}), ${runs.toLocaleString('en-US')} runs × ${eventsPerRun} events`;
    figures.push(
      figure(
        'Append',
        name,
        measure(
          'executeRun + projections',
          'events/s',
          samples.map((s) => s.ours.eventsPerSecond),
          `${costs(samples.map((s) => s.ours))}\nprojection drain ${median(drain).toFixed(0)} ms`,
        ),
        emmett,
        'ours/emmett',
        GOALS[runners] ?? null,
        {
          runs,
          events_per_run: eventsPerRun,
          projection_drain_ms: drain,
          projector_passes: samples.map((s) => s.ours.projectorPasses),
          pool_size: runners + 2,
          samples,
        },
      ),
    );
    figures.push(
      figure(
        'Append (diagnostic)',
        `${runners} runner${runners > 1 ? 's' : ''}: write path alone, no projections`,
        measure(
          'executeRun only',
          'events/s',
          samples.map((s) => s.writeOnly.eventsPerSecond),
          costs(samples.map((s) => s.writeOnly)),
        ),
        emmett,
        'ours/emmett',
        null,
      ),
    );
    figures.push(
      figure(
        'Append (diagnostic)',
        `${runners} runner${runners > 1 ? 's' : ''}: each step appended on its own (echo treated as a skill with effects: 7 appends per run), with projections`,
        measure(
          'executeRun + projections',
          'events/s',
          samples.map((s) => s.perStep.eventsPerSecond),
          costs(samples.map((s) => s.perStep)),
        ),
        emmett,
        'ours/emmett',
        null,
      ),
    );
  }
  return { figures, storage };
};
