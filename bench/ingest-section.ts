import { postgresSpanStaging } from '../adapters/postgres/postgres-span-staging.js';
import type { ReceivedSpan } from '../domain/observed/received-span.js';
import type { BenchDatabase, BenchServer } from './bench-database.js';
import type { BenchSizes } from './bench-options.js';
import type { Figure } from './bench-report.js';
import { stagedBatches } from './ingest-floor.js';
import { ingestFigures, type IngestSample } from './ingest-figures.js';
import { exportBatches, stageBatches, type LoadTiming } from './ingest-load.js';
import { startIngestServer } from './ingest-server.js';
import { ingestWorkload, type IngestWorkload } from './ingest-traces.js';
import { percentile, repeat } from './median.js';
import { pause, progress } from './progress.js';
import type { BenchKeys } from './signing-key.js';

const TENANT = 'bench-ingest-tenant';
/** The sealer's quiet period: short, so that the runs are sealed soon after the load. */
const QUIET_PERIOD_MS = 1000;
const SEALING_TIMEOUT_MS = 15 * 60_000;

/** Node options for the server only, e.g. AOS_BENCH_SERVE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof". */
const serverNodeArgs = (): string[] =>
  (process.env.AOS_BENCH_SERVE_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');

type SpanCounts = { total: number; pending: number; late: number; traces: number };

const spanCounts = async (database: BenchDatabase): Promise<SpanCounts> => {
  const pool = database.pool(1);
  const row = (
    await pool.query<Record<keyof SpanCounts, string>>(
      `SELECT count(*) AS total, count(*) FILTER (WHERE state = 'pending') AS pending,
              count(*) FILTER (WHERE state = 'late') AS late,
              (SELECT count(*) FROM aos_ingest_traces) AS traces
         FROM aos_ingest_spans`,
    )
  ).rows[0];
  return {
    total: Number(row?.total),
    pending: Number(row?.pending),
    late: Number(row?.late),
    traces: Number(row?.traces),
  };
};

/** A load that lost or added spans is a failure, not a figure. */
const checkStaged = (counts: SpanCounts, sent: readonly IngestWorkload[], what: string): void => {
  const spans = sent.reduce((n, w) => n + w.spans, 0);
  const traces = sent.reduce((n, w) => n + w.traces, 0);
  if (counts.total !== spans || counts.traces !== traces)
    throw new Error(
      `${what}: the database holds ${counts.total} spans of ${counts.traces} traces, ${spans} spans of ${traces} traces were sent`,
    );
};

/** The spans each side sends before its clock starts (one batch per worker: the server's code
 * optimized, the connections open), then the measured ones; each also as the floor stages it. */
type Loads = {
  readonly warmUp: IngestWorkload;
  readonly workload: IngestWorkload;
  readonly warmUpStaged: readonly (readonly ReceivedSpan[])[];
  readonly staged: readonly (readonly ReceivedSpan[])[];
};

/** Waits until no staged span is pending (every run sealed); the time it took. */
const untilSealed = async (database: BenchDatabase): Promise<{ ms: number; counts: SpanCounts }> => {
  const started = performance.now();
  for (;;) {
    const counts = await spanCounts(database);
    if (counts.pending === 0) return { ms: performance.now() - started, counts };
    if (performance.now() - started > SEALING_TIMEOUT_MS)
      throw new Error(`${counts.pending} spans still pending ${SEALING_TIMEOUT_MS} ms after the load`);
    await pause(100);
  }
};

const describe = (timing: LoadTiming): string =>
  `${timing.spans} spans in ${timing.ms.toFixed(0)} ms = ${((timing.spans * 1000) / timing.ms).toFixed(0)} spans/s, p50 ${percentile(timing.requestMs, 50).toFixed(1)} ms, p99 ${percentile(timing.requestMs, 99).toFixed(1)} ms per request`;

const inDatabase = async <T>(
  server: BenchServer,
  name: string,
  work: (db: BenchDatabase) => Promise<T>,
): Promise<T> => {
  const database = await server.database(name, { migrated: true });
  try {
    return await work(database);
  } finally {
    await database.drop();
  }
};

/** The floor: the staged batches through postgresSpanStaging, a pool connection per worker. */
const floorRep = (server: BenchServer, rep: number, loads: Loads, concurrency: number): Promise<LoadTiming> =>
  inDatabase(server, `bench_ingest_floor_${rep}`, async (database) => {
    const staging = postgresSpanStaging(database.pool(concurrency));
    await stageBatches(staging, TENANT, loads.warmUpStaged, concurrency);
    const timing = await stageBatches(staging, TENANT, loads.staged, concurrency);
    checkStaged(await spanCounts(database), [loads.warmUp, loads.workload], 'the floor');
    return timing;
  });

/** The product: `aos serve` as shipped, the SDK exporters sending to it, then the sealer's work. */
const ingestRep = (
  server: BenchServer,
  rep: number,
  loads: Loads,
  keys: BenchKeys,
  exporters: number,
): Promise<Omit<IngestSample, 'floor'>> =>
  inDatabase(server, `bench_ingest_${rep}`, async (database) => {
    const served = await startIngestServer(database, keys, TENANT, {
      quietPeriodMs: QUIET_PERIOD_MS,
      nodeArgs: serverNodeArgs(),
    });
    try {
      await exportBatches(served.url, served.token, loads.warmUp.batches, exporters);
      const cpuBefore = served.cpuMs();
      const timing = await exportBatches(served.url, served.token, loads.workload.batches, exporters);
      const cpuAfter = served.cpuMs();
      checkStaged(await spanCounts(database), [loads.warmUp, loads.workload], 'aos serve');
      const sealed = await untilSealed(database);
      if (sealed.counts.late > 0) progress(`ingest rep ${rep}: ${sealed.counts.late} spans were late`);
      return {
        ingest: timing,
        sealedMs: sealed.ms,
        lateSpans: sealed.counts.late,
        serverCpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
      };
    } finally {
      await served.stop();
    }
  });

/**
 * Ingest (issue 15): `aos serve` taking OTLP/HTTP protobuf from `exporters` OpenTelemetry SDK
 * exporters at once (spans/s from the first request to the last answer, the time of each request),
 * beside the floor measured in the same run (the same spans staged straight through the staging
 * adapter at the same concurrency), and how long the sealer then takes to seal every run.
 */
export const ingestSection = async (
  server: BenchServer,
  sizes: BenchSizes,
  reps: number,
  keys: BenchKeys,
): Promise<Figure[]> => {
  const exporters = sizes.ingestExporters;
  const warmUp = await ingestWorkload(sizes.ingestBatchSpans * exporters, sizes.ingestBatchSpans);
  const workload = await ingestWorkload(sizes.ingestSpans, sizes.ingestBatchSpans);
  const loads: Loads = {
    warmUp,
    workload,
    warmUpStaged: await stagedBatches(warmUp.batches),
    staged: await stagedBatches(workload.batches),
  };
  progress(
    `ingest: ${workload.spans} spans in ${workload.traces} traces, ${workload.batches.length} batches of up to ${sizes.ingestBatchSpans}, ${exporters} exporters, after a warm-up of ${warmUp.spans} spans`,
  );
  const samples = await repeat(reps, async (rep): Promise<IngestSample> => {
    const floor = await floorRep(server, rep, loads, exporters);
    progress(`ingest rep ${rep}: floor ${describe(floor)}`);
    const product = await ingestRep(server, rep, loads, keys, exporters);
    progress(
      `ingest rep ${rep}: aos serve ${describe(product.ingest)}; server CPU ${product.serverCpuMs?.toFixed(0) ?? '?'} ms; every run sealed ${product.sealedMs.toFixed(0)} ms after the last answer`,
    );
    return { floor, ...product };
  });
  return ingestFigures(samples, {
    spans: workload.spans,
    traces: workload.traces,
    batches: workload.batches.length,
    batch_spans: sizes.ingestBatchSpans,
    exporters,
    quiet_period_ms: QUIET_PERIOD_MS,
    warm_up_spans: warmUp.spans,
    sealed_runs: warmUp.traces + workload.traces,
  });
};
