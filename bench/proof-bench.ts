import { availableParallelism } from 'node:os';
import { postgresEventStore } from '../adapters/postgres/postgres-event-store.js';
import type { BenchServer } from './bench-database.js';
import type { BenchSizes } from './bench-options.js';
import { figure, limit, measure, type Figure } from './bench-report.js';
import { runNode } from './child-processes.js';
import { runCliMeasured } from './cli-peak-rss.js';
import { copyFloor } from './copy-floor.js';
import { sha256Floor } from './sha256-floor.js';
import { seedLongRun, type LongRun } from './long-run-seeder.js';
import { median, repeat } from './median.js';
import { BENCH_TENANT, registerEchoAgent } from './product-wiring.js';
import { progress } from './progress.js';
import { cliEnvironment, cliPath, type BenchKeys } from './signing-key.js';

type WorkerResult = {
  readonly ms: number;
  readonly cpu_ms: number;
  readonly max_rss_kb: number;
  readonly verification_status: string;
  readonly failure_reason: string | null;
  readonly seal_status: string;
  readonly chain_length: number;
  readonly step_count: number;
};

const workerPath = new URL('./proof-worker.js', import.meta.url).pathname;
const floorWorkerPath = new URL('./proof-floor-worker.js', import.meta.url).pathname;
const RSS_LIMIT_MB = 256;

/** Runs a worker script to its end in a process of its own and returns the JSON it printed. */
const workerOutput = async <T>(
  what: string,
  args: readonly string[],
  url: string,
  keys: BenchKeys,
): Promise<T> => {
  const child = await runNode(args, cliEnvironment(url, keys.directory));
  if (child.code !== 0) throw new Error(`the ${what} failed (${child.code}): ${child.stderr}`);
  return JSON.parse(child.stdout) as T;
};

/** `proveRun` in a process of its own; anything but VERIFIED stops the bench. */
const proveInChild = async (url: string, keys: BenchKeys, run: LongRun): Promise<WorkerResult> => {
  const result = await workerOutput<WorkerResult>(
    'proof worker',
    [workerPath, BENCH_TENANT, run.runId, keys.directory],
    url,
    keys,
  );
  if (result.verification_status !== 'VERIFIED') {
    throw new Error(
      `the proof of the ${run.steps}-step run is ${result.verification_status}, not VERIFIED: ${result.failure_reason ?? '?'}`,
    );
  }
  if (result.chain_length !== run.events || result.step_count !== run.steps) {
    throw new Error(
      `the proof of the ${run.steps}-step run saw ${result.chain_length} events and ${result.step_count} step rows`,
    );
  }
  return result;
};

type FloorResult = {
  readonly ms: number;
  readonly cpu_ms: number;
  readonly chain_length: number;
  readonly step_rows: number;
  readonly verification_status: string;
};

/** The proof without its projection check (proof-floor-worker.ts), in a process of its own. */
const floorInChild = async (url: string, keys: BenchKeys, run: LongRun): Promise<FloorResult> => {
  const result = await workerOutput<FloorResult>(
    'proof floor worker',
    [floorWorkerPath, BENCH_TENANT, run.runId],
    url,
    keys,
  );
  if (
    result.verification_status !== 'VERIFIED' ||
    result.chain_length !== run.events ||
    result.step_rows !== run.steps
  ) {
    throw new Error(
      `the proof floor of the ${run.steps}-step run read ${result.chain_length} events (${result.verification_status}) and ${result.step_rows} step rows`,
    );
  }
  return result;
};

const mb = (kb: number) => kb / 1024;

/** The customer's and the operator's commands that read a whole run, end to end on the run: time
 * (`aos proof --json` beside COPY) and peak RSS against the 256 MB of the streaming goal, which
 * holds for proof, export and verify-all alike. verify-all sweeps the bench tenant, every run
 * seeded so far. */
const cliFigures = async (
  url: string,
  keys: BenchKeys,
  run: LongRun,
  reps: number,
  copyMs: readonly number[],
): Promise<Figure[]> => {
  const env = cliEnvironment(url, keys.directory);
  const steps = run.steps.toLocaleString('en-US');
  const commands = [
    {
      label: 'aos proof',
      cli: cliPath('aos'),
      args: ['proof', '--tenant-id', BENCH_TENANT, '--run-id', run.runId, '--json'],
      name: `aos proof --json, ${steps} steps`,
    },
    {
      label: 'aos export',
      cli: cliPath('aos'),
      args: ['export', '--tenant-id', BENCH_TENANT, '--run-id', run.runId],
      name: `aos export, ${steps} steps`,
    },
    {
      label: 'verify-all',
      cli: cliPath('aos-int'),
      args: ['verify-all', '--tenant-id', BENCH_TENANT, '--json'],
      name: `aos-int verify-all, the tenant's runs up to ${steps} steps`,
    },
  ];
  const figures: Figure[] = [];
  for (const command of commands) {
    const samples = await repeat(reps, async (rep) => {
      const sample = await runCliMeasured(command.cli, command.args, env);
      progress(
        `${command.name} rep ${rep}: ${sample.ms.toFixed(0)} ms, peak RSS ${sample.peakRssMb.toFixed(0)} MB`,
      );
      return sample;
    });
    const rss = samples.map((s) => s.peakRssMb);
    if (command.label === 'aos proof') {
      figures.push(
        figure(
          'Proof',
          `${command.name} (wall, > /dev/null)`,
          measure(
            command.label,
            'ms',
            samples.map((s) => s.ms),
          ),
          measure('COPY out', 'ms', copyMs),
          'CLI/COPY',
          null,
        ),
      );
    }
    figures.push(
      figure(
        'Proof',
        `peak RSS, ${command.name} (> /dev/null)`,
        measure(command.label, 'MB', rss, `wall ${median(samples.map((s) => s.ms)).toFixed(0)} ms`),
        limit('limit', 'MB', RSS_LIMIT_MB),
        'RSS/limit',
        run.steps >= 1_000_000 ? { text: '< 1× (256 MB)', test: (r) => r < 1 } : null,
      ),
    );
  }
  return figures;
};

/** Proof of one long run per size, in a child process (time, peak RSS), beside Postgres streaming
 * the same rows out with COPY; `aos proof --json` end to end for the largest run below a million. */
export const proofBench = async (
  server: BenchServer,
  sizes: BenchSizes,
  reps: number,
  keys: BenchKeys,
): Promise<Figure[]> => {
  const database = await server.database('bench_proof', { migrated: true });
  try {
    const pool = database.pool(4, { bulk: true });
    const store = postgresEventStore(pool);
    const agent = await registerEchoAgent(store, BENCH_TENANT, 1);
    const figures: Figure[] = [];
    for (const steps of sizes.proofSteps) {
      progress(`proof: seeding a run of ${steps.toLocaleString('en-US')} steps`);
      const run = await seedLongRun(pool, store, agent, steps, keys.signer);
      await copyFloor(database.url, run.runId); // warm-up: the same pages in cache for both sides
      const samples = await repeat(reps, async (rep) => {
        const proof = await proveInChild(database.url, keys, run);
        const floor = await floorInChild(database.url, keys, run);
        const copy = await copyFloor(database.url, run.runId);
        const hashing = sha256Floor(run.events, copy.eventBytes / run.events);
        const serverCpu =
          copy.serverCpuMs === null ? '' : `, its backends' CPU ${copy.serverCpuMs.toFixed(0)} ms`;
        progress(
          `proof ${steps} steps rep ${rep}: proveRun ${proof.ms.toFixed(0)} ms (CPU ${proof.cpu_ms.toFixed(0)} ms, peak RSS ${mb(proof.max_rss_kb).toFixed(0)} MB, seal ${proof.seal_status}), read + chain only ${floor.ms.toFixed(0)} ms (CPU ${floor.cpu_ms.toFixed(0)} ms), COPY ${copy.ms.toFixed(0)} ms (${(copy.bytes / 1e6).toFixed(1)} MB${serverCpu}), SHA-256 alone ${hashing.toFixed(0)} ms`,
        );
        return { proof, floor, copy, hashing };
      });
      const rss = samples.map((s) => mb(s.proof.max_rss_kb));
      const copyMs = samples.map((s) => s.copy.ms);
      const cpu = (values: readonly number[]) => `CPU ${median(values).toFixed(0)} ms`;
      const name = `proof, ${steps.toLocaleString('en-US')} steps`;
      const extra = {
        run_id: run.runId,
        events: run.events,
        sealed: run.sealed,
        seal_status: samples[0]?.proof.seal_status,
        peak_rss_mb: rss,
        copy_bytes: samples[0]?.copy.bytes,
      };
      figures.push(
        figure(
          'Proof',
          name,
          measure(
            'proveRun',
            'ms',
            samples.map((s) => s.proof.ms),
            `peak RSS ${median(rss).toFixed(0)} MB, ${cpu(samples.map((s) => s.proof.cpu_ms))}`,
          ),
          measure('COPY out', 'ms', copyMs),
          'proof/COPY',
          steps === 100_000 ? { text: '≤ 2×', test: (r) => r <= 2 } : null,
          extra,
        ),
      );
      // The proof without its projection check: both streams read and parsed as the product reads
      // them, the chain and Merkle tree rebuilt.
      figures.push(
        figure(
          'Proof',
          `${name}: read + chain + Merkle only (no projection check)`,
          measure(
            'read + chain',
            'ms',
            samples.map((s) => s.floor.ms),
            cpu(samples.map((s) => s.floor.cpu_ms)),
          ),
          measure('COPY out', 'ms', copyMs),
          'floor/COPY',
          null,
        ),
      );
      const serverCpuMs = samples.map((s) => s.copy.serverCpuMs);
      if (steps === 100_000 && serverCpuMs.every((ms): ms is number => ms !== null)) {
        // The CPU the goal leaves a verifier: both cores for 2× COPY's wall time, less the CPU of the
        // Postgres backends producing the rows (measured from /proc on the COPY itself). Above 1×,
        // the proof without its projection check already needs more than that.
        const cores = availableParallelism();
        const left = samples.map((s, i) => cores * 2 * s.copy.ms - serverCpuMs[i]!);
        figures.push(
          figure(
            'Proof',
            `${name}: CPU of the two COPY backends (Postgres producing the rows)`,
            measure('backends', 'ms', serverCpuMs),
            measure('COPY out', 'ms', copyMs),
            'CPU/COPY wall',
            null,
          ),
        );
        figures.push(
          figure(
            'Proof',
            `${name}: CPU of read + chain + Merkle only, beside the CPU 2× COPY leaves (${cores} cores × 2 × COPY − the backends' CPU)`,
            measure(
              'read + chain',
              'ms',
              samples.map((s) => s.floor.cpu_ms),
            ),
            measure('left at 2×', 'ms', left),
            'needed/left',
            null,
          ),
        );
        figures.push(
          figure(
            'Proof',
            `${name}: SHA-256 alone, 3 one-shot calls per event`,
            measure(
              'SHA-256',
              'ms',
              samples.map((s) => s.hashing),
            ),
            measure('COPY out', 'ms', copyMs),
            'SHA-256/COPY',
            null,
          ),
        );
      }
      if (steps >= 1_000_000) {
        figures.push(
          figure(
            'Proof',
            `peak RSS, ${steps.toLocaleString('en-US')} steps`,
            measure('proof worker', 'MB', rss),
            limit('limit', 'MB', RSS_LIMIT_MB),
            'RSS/limit',
            { text: '< 1× (256 MB)', test: (r) => r < 1 },
          ),
        );
      }
      if (steps === sizes.cliProofSteps || steps >= 1_000_000)
        figures.push(...(await cliFigures(database.url, keys, run, reps, copyMs)));
    }
    return figures;
  } finally {
    await database.drop();
  }
};
