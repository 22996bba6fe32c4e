import { availableParallelism } from 'node:os';
import { postgresEventStore } from '../adapters/postgres/postgres-event-store.js';
import type { BenchServer } from './bench-database.js';
import type { BenchSizes } from './bench-options.js';
import { figure, limit, measure, type Figure } from './bench-report.js';
import { copyFloor } from './copy-floor.js';
import { sha256Floor } from './sha256-floor.js';
import { seedLongRun } from './long-run-seeder.js';
import { median, repeat } from './median.js';
import { BENCH_TENANT, registerEchoAgent } from './product-wiring.js';
import { progress } from './progress.js';
import { RSS_LIMIT_MB, cliFigures } from './proof-cli-figures.js';
import { floorInChild, proveInChild } from './proof-in-child.js';
import type { BenchKeys } from './signing-key.js';

const mb = (kb: number) => kb / 1024;

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
