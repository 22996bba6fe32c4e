// `npm run bench`: the benchmark suite. Starts its own embedded Postgres (the product's, under a
// temporary AOS_HOME), measures each figure beside its peer or limit in the same run, prints a
// table of medians on stdout and writes every sample to bench-results/bench-<timestamp>.json.
//   node dist/bench/run.js [--reps N] [--quick] [--million] [--only append,proof,rebuild,cli,planner,ingest,verify,console]
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { appendSection } from './append-section.js';
import { startBenchServer, type BenchServer } from './bench-database.js';
import { benchSizes, parseBenchOptions } from './bench-options.js';
import { renderFigures, type Figure } from './bench-report.js';
import { killChildren } from './child-processes.js';
import { consoleBench } from './console-bench.js';
import { ingestSection } from './ingest-section.js';
import { cliLatencyBench } from './cli-latency-bench.js';
import { warmServerBench } from './warm-server-bench.js';
import { plannerBench } from './planner-bench.js';
import { proofBench } from './proof-bench.js';
import { progress } from './progress.js';
import { rebuildBench } from './rebuild-bench.js';
import { createBenchKeys } from './signing-key.js';
import { verifyBench } from './verify-bench.js';
import { renderStorage } from './storage-table.js';
import type { StorageReport } from './storage-sizes.js';

const resultsDirectory = new URL('../../bench-results/', import.meta.url).pathname;

const main = async (): Promise<void> => {
  const options = parseBenchOptions(process.argv.slice(2));
  const sizes = benchSizes(options);
  const startedAt = new Date();
  const loadBefore = loadavg();
  progress(
    `${options.quick ? 'quick ' : ''}bench, ${options.reps} rep(s), sections ${[...options.sections].join(', ')}; ${cpus().length} CPUs, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
  );
  progress('starting the embedded Postgres');
  const server: BenchServer = await startBenchServer();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    progress(`${signal}: stopping children and the Postgres server`);
    killChildren();
    void server
      .stop()
      .catch(() => undefined)
      .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const figures: Figure[] = [];
  const storage: StorageReport[] = [];
  const notes: Record<string, unknown> = {};
  const summaries: string[] = [];
  try {
    progress(`Postgres ${server.version} up (AOS_HOME ${server.home})`);
    const keys = await createBenchKeys(server.home);
    if (options.sections.has('append')) {
      const append = await appendSection(server, sizes, options.reps);
      figures.push(...append.figures);
      storage.push(...append.storage);
    }
    if (options.sections.has('proof')) figures.push(...(await proofBench(server, sizes, options.reps, keys)));
    if (options.sections.has('rebuild')) {
      const rebuild = await rebuildBench(server, sizes.rebuildRuns, options.reps);
      figures.push(...rebuild.figures);
      storage.push(rebuild.storage);
      notes.rebuild_seed_events_per_second = rebuild.seedEventsPerSecond;
    }
    if (options.sections.has('cli')) {
      figures.push(...(await cliLatencyBench(server, sizes.cliSamples, options.reps, keys)));
      figures.push(...(await warmServerBench(server, sizes.cliSamples, options.reps, keys)));
    }
    if (options.sections.has('planner')) {
      const planner = await plannerBench(sizes.plannerRuns);
      figures.push(...planner.figures);
      summaries.push(...planner.summary);
    }
    if (options.sections.has('ingest'))
      figures.push(...(await ingestSection(server, sizes, options.reps, keys)));
    if (options.sections.has('verify'))
      figures.push(...(await verifyBench(sizes.verifySteps, options.reps, keys)));
    if (options.sections.has('console')) {
      const console = await consoleBench(server, sizes, options.reps, keys);
      figures.push(...console.figures);
      summaries.push(...console.summary);
    }
  } finally {
    progress('stopping the embedded Postgres');
    await server.stop();
  }
  const loadAfter = loadavg();
  const table = renderFigures(figures);
  process.stdout.write(`${table}\n`);
  if (storage.length > 0) process.stdout.write(`${renderStorage(storage)}\n`);
  if (summaries.length > 0) process.stdout.write(`${summaries.join('\n')}\n`);
  process.stdout.write(
    `load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')} (${cpus().length} CPUs); no sealing in Append\n`,
  );
  await mkdir(resultsDirectory, { recursive: true });
  const file = `${resultsDirectory}bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`;
  await writeFile(
    file,
    `${JSON.stringify(
      {
        started_at: startedAt.toISOString(),
        finished_at: new Date().toISOString(),
        options: { ...options, sections: [...options.sections] },
        sizes,
        environment: {
          node: process.version,
          platform: process.platform,
          cpus: cpus().length,
          cpu_model: cpus()[0]?.model ?? null,
          memory_mb: Math.round(totalmem() / 2 ** 20),
          load_average_before: loadBefore,
          load_average_after: loadAfter,
          postgres: server.version,
          postgres_settings:
            'the embedded server as the product starts it (default settings: fsync on, synchronous_commit on)',
        },
        figures,
        storage,
        notes,
      },
      null,
      2,
    )}\n`,
  );
  progress(`results written to ${file}`);
};

try {
  await main();
} catch (error) {
  killChildren();
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
}
