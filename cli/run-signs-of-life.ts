import type { RunProgress } from '../application/runs/run-progress.js';
import type { StepExecuted } from '../domain/run/run-events.js';
import { ExitCode } from './exit-codes.js';
import { shown } from './terminal-text.js';
import { resumeCommandOf } from './use-case-failures.js';

/** A step as it ended, on one line: index, skill, status, duration and its outcome's code. */
const stepLine = (record: StepExecuted): string =>
  shown(
    `step ${record.step_index} ${record.skill}: ${record.status} in ${Math.round(record.duration_ms)} ms (${record.outcome.code}${record.retry_count > 0 ? `, ${record.retry_count} retries` : ''})`,
  );

/** The signs of life of `aos run` on stderr: the run id once its creation is recorded, before any
 * step runs, then each step as it ends (nothing with --quiet). Ctrl-C (SIGINT) says which run was
 * interrupted and the command that continues it, and exits 130: every append is one transaction,
 * so the run holds what was recorded before, and `aos runs resume` picks up from its first step
 * without a record. The database is released by withRuntime's own signal handler, after this one. */
export const watchRun = (
  tenantId: string,
  options: { readonly quiet: boolean; readonly runId?: string },
): { readonly progress: RunProgress; readonly stop: () => void } => {
  // `aos runs resume` knows its run from the start.
  let runId: string | null = options.runId ?? null;
  const say = (line: string): void => {
    if (!options.quiet) process.stderr.write(`${line}\n`);
  };
  const onInterrupt = (): void => {
    process.stderr.write(
      runId === null
        ? 'aos run interrupted before its run was recorded\n'
        : `run ${runId} interrupted; resume with: ${resumeCommandOf(tenantId, runId)}\n`,
    );
    // An embedded database's lease is given back by its own SIGINT handler, which then exits 130.
    if (process.listenerCount('SIGINT') === 0) process.exit(ExitCode.interrupted);
  };
  process.once('SIGINT', onInterrupt);
  return {
    progress: {
      opened: (id) => {
        runId = id;
        say(`run ${id} started`);
      },
      stepEnded: (record) => say(stepLine(record)),
    },
    stop: () => process.removeListener('SIGINT', onInterrupt),
  };
};
