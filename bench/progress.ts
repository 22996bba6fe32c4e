const started = performance.now();

/** A progress line on stderr, stamped with the seconds since the bench started (stdout is for the table). */
export const progress = (message: string): void => {
  process.stderr.write(
    `[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`,
  );
};

export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
