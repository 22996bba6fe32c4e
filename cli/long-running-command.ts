import { CliFailure, infrastructureError } from './cli-failure.js';
import { ExitCode } from './exit-codes.js';
import { shown } from './terminal-text.js';

const LISTEN_FAILURES: Readonly<Record<string, string>> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available on this machine',
  EACCES: 'permission denied',
};

/** A server that could not bind its address, as the CLI says it: exit 4, naming --listen. */
export const cannotListen = (
  listenOption: string,
  failure: { readonly code: string; readonly message: string },
) =>
  infrastructureError(
    `--listen ${listenOption}: cannot listen: ${LISTEN_FAILURES[failure.code] ?? failure.message}`,
  );

/** Runs a server (aos serve, aos-int witness serve) to its end: exit 0 once it stopped, or its
 * failure as the CLI contract's exit code and one line on stderr. */
export const runUntilStopped = async (serveToEnd: () => Promise<void>): Promise<void> => {
  try {
    await serveToEnd();
    process.exit(ExitCode.ok);
  } catch (error) {
    const failure =
      error instanceof CliFailure
        ? error
        : infrastructureError(error instanceof Error ? error.message : String(error));
    process.stderr.write(`error: ${shown(failure.message)}\n`);
    process.exit(failure.exitCode);
  }
};
