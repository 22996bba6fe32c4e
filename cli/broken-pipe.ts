/**
 * The reader of stdout went away (`aos export … | head -c 100`). Node reports that as an 'error'
 * event on stdout, which nobody handled: the CLI died with a stack trace and without releasing
 * the database (an embedded server it had started stayed up). Now the command stops at its next
 * write, releases what it holds, and exits 141, as a process killed by SIGPIPE does, silently.
 */
export const BROKEN_PIPE_EXIT = 141;

let closed = false;

export const watchStdout = (): void => {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
  });
};

/** Whether stdout's reader is gone, or `error` is the failed write that found out. */
export const isBrokenPipe = (error?: unknown): boolean =>
  closed ||
  (typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === 'EPIPE');
