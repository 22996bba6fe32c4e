import { figure, limit, measure, type Figure } from './bench-report.js';
import type { LoadTiming } from './ingest-load.js';
import { median, percentile } from './median.js';

/** One rep: the floor, the product, and what followed the product's load. */
export type IngestSample = {
  readonly floor: LoadTiming;
  readonly ingest: LoadTiming;
  /** From the last answer to every staged span sealed in its run (the quiet period included). */
  readonly sealedMs: number;
  readonly lateSpans: number;
  /** CPU of the `aos serve` process during the load (user + system). */
  readonly serverCpuMs: number | null;
};

/** The ingest's goal on 2 cores (issue 15). */
const GOAL_SPANS_PER_SECOND = 5_000;

const spansPerSecond = (timing: LoadTiming): number => (timing.spans * 1000) / timing.ms;

const p = (timing: LoadTiming, rank: number): number => percentile(timing.requestMs, rank);

const summary = (timings: readonly LoadTiming[]) => ({
  spans_per_second: timings.map(spansPerSecond),
  p50_ms: timings.map((t) => p(t, 50)),
  p99_ms: timings.map((t) => p(t, 99)),
});

export const ingestFigures = (
  samples: readonly IngestSample[],
  sizes: Readonly<Record<string, number>>,
): Figure[] => {
  const ingest = samples.map((s) => s.ingest);
  const floor = samples.map((s) => s.floor);
  const cpu = samples.flatMap((s) => (s.serverCpuMs === null ? [] : [s.serverCpuMs / s.ingest.spans]));
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const ingestRate = measure(
    'aos serve',
    'spans/s',
    ingest.map(spansPerSecond),
    `server CPU ${(median(cpu) * 1000).toFixed(0)} µs/span`,
  );
  const floorRate = measure('staging alone', 'spans/s', floor.map(spansPerSecond));
  const name = `${sizes.exporters} SDK exporters (OTLP/HTTP protobuf), ${sizes.spans?.toLocaleString('en-US')} spans in ${sizes.traces} traces, ${sizes.batch_spans} spans per export,\nafter a warm-up of ${sizes.warm_up_spans} spans`;
  // The warm-up's runs are sealed with the others.
  const traces = sizes.sealed_runs ?? Number.NaN;
  const sealed = samples.map((s) => s.sealedMs);
  const endToEnd = samples.map((s) => (traces * 1000) / (s.ingest.ms + s.sealedMs));
  return [
    figure(
      'Ingest',
      `${name};\nthe sealer running (quiet period ${sizes.quiet_period_ms} ms)`,
      ingestRate,
      limit('goal', 'spans/s', GOAL_SPANS_PER_SECOND),
      'ours/goal',
      { text: `≥ 1× (${GOAL_SPANS_PER_SECOND.toLocaleString('en-US')} spans/s)`, test: (r) => r >= 1 },
      { ...sizes, ingest: summary(ingest), floor: summary(floor), samples },
    ),
    figure(
      'Ingest',
      `the same beside the floor: the same spans (decoded, redacted beforehand) staged\nstraight through postgresSpanStaging, ${sizes.exporters} at once, no HTTP, no decoding, no token`,
      ingestRate,
      floorRate,
      'ingest/floor',
      null,
    ),
    figure(
      'Ingest',
      'time of one request, p99 (an export call: serialize, POST, answer; the floor: one staging statement)',
      measure(
        'export',
        'ms',
        ingest.map((t) => p(t, 99)),
        `p50 ${ms(median(ingest.map((t) => p(t, 50))))}`,
      ),
      measure(
        'stage',
        'ms',
        floor.map((t) => p(t, 99)),
        `p50 ${ms(median(floor.map((t) => p(t, 50))))}`,
      ),
      'ingest/floor',
      null,
    ),
    figure(
      'Ingest (diagnostic)',
      `every run sealed, after the last answer (the quiet period included);\n${traces} runs`,
      measure('sealed', 'ms', sealed, `end to end ${median(endToEnd).toFixed(0)} runs/s`),
      null,
      null,
      null,
      { runs_per_second_end_to_end: endToEnd, late_spans: samples.map((s) => s.lateSpans) },
    ),
  ];
};
