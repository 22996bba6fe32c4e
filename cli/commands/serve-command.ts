import * as E from 'fp-ts/lib/Either.js';
import type { Argv, CommandModule } from 'yargs';
import { DEFAULT_LISTEN, parseListenAddress } from '../../server/listen-address.js';
import { CliFailure, infrastructureError, usageError } from '../cli-failure.js';
import { ExitCode } from '../exit-codes.js';
import { withRuntime } from '../runtime.js';
import { shown } from '../terminal-text.js';
import type { ArgsOf, OptionsOf } from './common-options.js';

const builder = (yargs: Argv) =>
  yargs.option('listen', {
    type: 'string',
    default: DEFAULT_LISTEN,
    describe: 'HOST:PORT to listen on ([::1]:PORT for IPv6; port 0: one the system picks, logged)',
  });

const LISTEN_FAILURES: Readonly<Record<string, string>> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available on this machine',
  EACCES: 'permission denied',
};

/** Runs the server to its end, the failures as the CLI contract's exit codes. */
const serveToEnd = async (listenOption: string): Promise<void> => {
  const listen = parseListenAddress(listenOption);
  if (E.isLeft(listen)) throw usageError('listen', listen.left);
  // The server (fastify) is loaded only by this command, never by the others' start-up.
  const { serve, ListenFailure } = await import('../../server/serve.js');
  try {
    await serve({
      listen: listen.right,
      withDatabase: (work) => withRuntime(work, process.env, { releaseOnSignal: false }),
      exitNow: (code) => process.exit(code),
    });
  } catch (error) {
    if (error instanceof ListenFailure)
      throw infrastructureError(
        `--listen ${listenOption}: cannot listen: ${LISTEN_FAILURES[error.code] ?? error.message}`,
      );
    throw error;
  }
};

const handler = async (args: ArgsOf<typeof builder>): Promise<void> => {
  try {
    await serveToEnd(args.listen);
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

export const serveCommand: CommandModule<object, OptionsOf<typeof builder>> = {
  command: 'serve',
  describe: 'run the server: GET /healthz, GET /readyz (DATABASE_URL, or the embedded database)',
  builder,
  handler,
};
