import { runNode } from './child-processes.js';
import type { LongRun } from './long-run-seeder.js';
import { BENCH_TENANT } from './product-wiring.js';
import { cliEnvironment, type BenchKeys } from './signing-key.js';

// The proof bench's workers (proof-worker.ts, proof-floor-worker.ts), each run in a process of its
// own on one long run; anything but the run's VERIFIED proof stops the bench.

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
export const proveInChild = async (url: string, keys: BenchKeys, run: LongRun): Promise<WorkerResult> => {
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
export const floorInChild = async (url: string, keys: BenchKeys, run: LongRun): Promise<FloorResult> => {
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
