import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode } from './child-processes.js';

const reporter = new URL('./peak-rss-reporter.js', import.meta.url).href;

export type CliSample = { readonly ms: number; readonly peakRssMb: number };

/** Runs a CLI (`node <cli> <args>`) to its end with stdout to /dev/null, as `> /dev/null` would,
 * and reads its wall time and peak RSS; anything but exit code 0 stops the bench. */
export const runCliMeasured = async (
  cli: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<CliSample> => {
  const directory = mkdtempSync(join(tmpdir(), 'aos-bench-rss-'));
  const file = join(directory, 'peak-rss-kb');
  try {
    const child = await runNode(
      ['--import', reporter, cli, ...args],
      { ...env, AOS_BENCH_RSS_FILE: file },
      { discardStdout: true },
    );
    if (child.code !== 0) throw new Error(`${cli} ${args.join(' ')} exited ${child.code}: ${child.stderr}`);
    return { ms: child.ms, peakRssMb: Number(readFileSync(file, 'utf8')) / 1024 };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
};
