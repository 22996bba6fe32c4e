import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Milliseconds a file took per byte of its source, by kind (a full run on 2 cores: e2e 475 s for
 * 458 kB, int 51 s for 190 kB, unit 63 s for 462 kB): the estimate for a file never run here. */
const MS_PER_BYTE = { e2e: 1, int: 0.3, unit: 0.1 } as const;

/** The longest files first, so that the two workers do not end on one long file while the other
 * waits. Vitest orders by the durations of the last run, which a fresh clone does not have (it
 * then runs the largest files first, whatever their kind): a file without a recorded duration is
 * estimated from its size and kind (an end-to-end file spawns processes, a unit file does not).
 * Files that failed last time still come first. */
export default class SlowFirstSequencer extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const estimate = (spec: TestSpecification): { failed: boolean; ms: number } => {
      const key = `${spec.project.name}:${relative(this.ctx.config.root, spec.moduleId)}`;
      const known = this.ctx.cache.getFileTestResults(key);
      if (known) return { failed: known.failed === true, ms: known.duration ?? 0 };
      const kind = /\.(e2e|int|unit)\.spec\.ts$/.exec(spec.moduleId)?.[1] as keyof typeof MS_PER_BYTE;
      return { failed: false, ms: statSync(spec.moduleId).size * (MS_PER_BYTE[kind] ?? MS_PER_BYTE.unit) };
    };
    const estimated = files.map((spec) => ({ spec, ...estimate(spec) }));
    estimated.sort((a, b) => Number(b.failed) - Number(a.failed) || b.ms - a.ms);
    return Promise.resolve(estimated.map((e) => e.spec));
  }
}
