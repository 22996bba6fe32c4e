import { figure, limit, measure, type Figure } from './bench-report.js';
import { runCliMeasured } from './cli-peak-rss.js';
import type { LongRun } from './long-run-seeder.js';
import { median, repeat } from './median.js';
import { BENCH_TENANT } from './product-wiring.js';
import { progress } from './progress.js';
import { cliEnvironment, cliPath, type BenchKeys } from './signing-key.js';

/** The streaming goal: peak RSS of a command that reads a whole run (proof, export, verify-all). */
export const RSS_LIMIT_MB = 256;

/** The customer's and the operator's commands that read a whole run, end to end on the run: time
 * (`aos proof --json` beside COPY) and peak RSS against the 256 MB of the streaming goal, which
 * holds for proof, export and verify-all alike. verify-all sweeps the bench tenant, every run
 * seeded so far. */
export const cliFigures = async (
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
