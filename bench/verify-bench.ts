import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { figure, limit, measure, type Figure } from './bench-report.js';
import { runCliMeasured } from './cli-peak-rss.js';
import { progress } from './progress.js';
import { cliPath, type BenchKeys } from './signing-key.js';
import { writeSyntheticBundle } from './synthetic-bundle.js';

const RSS_LIMIT_MB = 256;

/**
 * `aos verify bundle.json` of a sealed run of `steps` steps (1,000,000 in the full bench, some
 * 600 MB), streamed: the bundle is written by the domain's functions with the bench key (no run
 * goes through the product), then verified by the built CLI in its own process, offline (an empty
 * AOS_HOME, the key pinned), `reps` times; its size, wall time and peak RSS against 256 MB.
 */
export const verifyBench = async (steps: number, reps: number, keys: BenchKeys): Promise<Figure[]> => {
  const directory = await mkdtemp(join(tmpdir(), 'aos-bench-verify-'));
  try {
    const file = join(directory, 'bundle.json');
    progress(`verify: writing the bundle of a ${steps.toLocaleString('en-US')}-step run`);
    const written = performance.now();
    const bytes = await writeSyntheticBundle(file, steps, keys.signer);
    const mb = bytes / 1_000_000;
    progress(`verify: ${mb.toFixed(0)} MB written in ${((performance.now() - written) / 1000).toFixed(1)} s`);
    const keyFile = join(
      keys.directory,
      'public-keys',
      (await readdir(join(keys.directory, 'public-keys')))[0] ?? '',
    );
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, AOS_HOME: directory };
    const args = ['verify', file, '--public-key', keyFile, '--max-bytes', String(bytes), '--json'];
    const samples = [];
    for (let rep = 0; rep < reps; rep++) {
      const sample = await runCliMeasured(cliPath('aos'), args, env);
      progress(`verify: ${(sample.ms / 1000).toFixed(1)} s, peak RSS ${sample.peakRssMb.toFixed(0)} MB`);
      samples.push(sample);
    }
    const rss = samples.map((s) => s.peakRssMb);
    const ms = samples.map((s) => s.ms);
    const name = `aos verify of a ${steps.toLocaleString('en-US')}-step bundle (${mb.toFixed(0)} MB), streamed, peak RSS`;
    return [
      figure(
        'Verify',
        name,
        measure(
          'aos verify',
          'MB',
          rss,
          `wall ${(Math.min(...ms) / 1000).toFixed(1)}–${(Math.max(...ms) / 1000).toFixed(1)} s`,
        ),
        limit('limit', 'MB', RSS_LIMIT_MB),
        'RSS/limit',
        { text: '< 1× (256 MB)', test: (r) => r < 1 },
        { bundle_bytes: bytes, steps, wall_ms: ms },
      ),
    ];
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
};
