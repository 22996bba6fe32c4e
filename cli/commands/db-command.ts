import type { Argv, CommandModule } from 'yargs';
import { CliFailure, infrastructureError } from '../cli-failure.js';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { shown } from '../terminal-text.js';
import { withJson, type ArgsOf } from './common-options.js';

const jsonOnly = (yargs: Argv) => withJson(yargs);
type Args = ArgsOf<typeof jsonOnly>;

const embedded = async () => {
  if (process.env.DATABASE_URL) {
    throw new CliFailure(
      ExitCode.usage,
      'invalid_input',
      'DATABASE_URL is set: the CLIs use that database, not the embedded one; unset it to manage the embedded server',
      'DATABASE_URL',
    );
  }
  return import('../../adapters/postgres/embedded/embedded-database.js');
};

const failed = (error: unknown): CliFailure =>
  error instanceof CliFailure
    ? error
    : infrastructureError(`embedded database: ${error instanceof Error ? error.message : String(error)}`);

type Status = Awaited<ReturnType<Awaited<ReturnType<typeof embedded>>['embeddedServerStatus']>>;

const statusText = (status: Status): string =>
  [
    `AOS_HOME: ${shown(status.home)}`,
    `initialised: ${status.initialised ? 'yes' : 'no'}`,
    `running: ${status.running ? `yes, on 127.0.0.1:${status.port}` : 'no'}`,
    `kept running by \`aos-int db start\`: ${status.pinned ? 'yes' : 'no'}`,
    `commands using it now: ${status.users}`,
  ].join('\n');

const start = async (args: Args) =>
  runAndPrint(args, async () => {
    const { startPinnedServer } = await embedded();
    const status = await startPinnedServer({ home: process.env.AOS_HOME }).catch((error: unknown) =>
      Promise.reject(failed(error)),
    );
    return {
      exitCode: ExitCode.ok,
      json: status,
      text: `${statusText(status)}\nstop it with: aos-int db stop`,
    };
  });

const stop = async (args: Args) =>
  runAndPrint(args, async () => {
    const { stopEmbeddedServer } = await embedded();
    const result = await stopEmbeddedServer({ home: process.env.AOS_HOME }).catch((error: unknown) =>
      Promise.reject(failed(error)),
    );
    return {
      exitCode: ExitCode.ok,
      json: { stopped: result.wasRunning, was_running: result.wasRunning },
      text: result.wasRunning ? 'embedded Postgres stopped' : 'embedded Postgres was not running',
    };
  });

const status = async (args: Args) =>
  runAndPrint(args, async () => {
    const { embeddedServerStatus } = await embedded();
    const current = await embeddedServerStatus({ home: process.env.AOS_HOME }).catch((error: unknown) =>
      Promise.reject(failed(error)),
    );
    return { exitCode: ExitCode.ok, json: current, text: statusText(current) };
  });

export const dbCommand: CommandModule = {
  command: 'db <action>',
  describe: 'the embedded Postgres under AOS_HOME: keep it running between commands, stop it, or show it',
  builder: (yargs: Argv) =>
    yargs
      .command({
        command: 'start',
        describe: 'start the embedded Postgres and keep it running until `db stop`',
        builder: jsonOnly,
        handler: start,
      })
      .command({
        command: 'stop',
        describe: 'stop the embedded Postgres',
        builder: jsonOnly,
        handler: stop,
      })
      .command({
        command: 'status',
        describe: 'whether it is initialised and running, and who uses it',
        builder: jsonOnly,
        handler: status,
      })
      .demandCommand(1),
  handler: () => undefined,
};
