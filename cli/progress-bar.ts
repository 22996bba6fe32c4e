/** A progress bar on stderr for a long command (export, projections rebuild, verify, verify-all):
 * drawn only when stderr is a terminal, so pipes, files and scripts get nothing of it. */
export type ProgressBar = {
  readonly start: (total: number, payload?: Readonly<Record<string, unknown>>) => void;
  readonly update: (value: number, payload?: Readonly<Record<string, unknown>>) => void;
  readonly increment: (payload?: Readonly<Record<string, unknown>>) => void;
  readonly stop: () => void;
};

const NONE: ProgressBar = { start: () => {}, update: () => {}, increment: () => {}, stop: () => {} };

/** A bar in cli-progress's `format` (`{bar}`, `{value}`, `{total}`, payload fields), or one that
 * draws nothing when stderr is not a terminal. cli-progress is loaded only then. */
export const progressBar = async (format: string): Promise<ProgressBar> => {
  if (!process.stderr.isTTY) return NONE;
  const { default: progress } = await import('cli-progress');
  const bar = new progress.SingleBar(
    { stream: process.stderr, format, hideCursor: true, clearOnComplete: true },
    progress.Presets.shades_classic,
  );
  let started = false;
  return {
    start: (total, payload) => {
      started = true;
      bar.start(total, 0, payload);
    },
    update: (value, payload) => bar.update(value, payload),
    increment: (payload) => bar.increment(1, payload),
    stop: () => {
      if (started) bar.stop();
      started = false;
    },
  };
};
