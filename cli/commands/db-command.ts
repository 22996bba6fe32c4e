import type { Argv } from 'yargs';
import { CliFailure, infrastructureError } from '../cli-failure.js';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { shown } from '../terminal-text.js';
import { withJson, type ArgsOf } from './common-options.js';
import type { CommandBody } from '../lazy-command.js';

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
  const [database, status] = await Promise.all([
    import('../../adapters/postgres/embedded/embedded-database.js'),
    import('../../adapters/postgres/embedded/embedded-status.js'),
  ]);
  return { ...database, ...status };
};

const failed = (error: unknown): CliFailure =>
  error instanceof CliFailure
    ? error
    : infrastructureError(`embedded database: ${error instanceof Error ? error.message : String(error)}`);

type Status = Awaited<ReturnType<Awaited<ReturnType<typeof embedded>>['embeddedServerStatus']>>;

/** A word for the shell, in single quotes when it needs them. */
const shellWord = (text: string): string =>
  /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;

const stopsWhen = (status: Status): string =>
  status.pinned
    ? 'when `aos db stop` says (kept running by `aos db start`)'
    : status.idle_until !== null
      ? `at ${status.idle_until} if no command uses it before (AOS_DB_IDLE_SECONDS after the last one), or on \`aos db stop\``
      : 'when the commands using it end, or on `aos db stop`';

const connectionLines = (status: Status): string[] =>
  status.connection_url === null
    ? [`password file: ${shown(status.password_file)}`]
    : [
        `connect: ${shown(status.connection_url)} (user ${status.user}, database ${status.database}; the password is in ${shown(status.password_file)})`,
        `  PGPASSWORD="$(cat ${shellWord(status.password_file)})" psql ${shellWord(status.connection_url)}`,
      ];

const statusText = (status: Status): string =>
  [
    `AOS_HOME: ${shown(status.home)}`,
    `data directory: ${shown(status.data_directory)}${status.initialised ? '' : ' (not initialised yet)'}`,
    status.running ? `running: yes, pid ${status.pid}, on 127.0.0.1:${status.port}` : 'running: no',
    ...(status.running ? [`stops: ${stopsWhen(status)}`, `commands using it now: ${status.users}`] : []),
    ...connectionLines(status),
    `log: ${shown(status.log_file)}`,
  ].join('\n');

const start = async (args: Args) =>
  runAndPrint(args, async () => {
    const { startPinnedServer, embeddedServerStatus } = await embedded();
    const options = { home: process.env.AOS_HOME };
    const status = await startPinnedServer(options)
      .then(() => embeddedServerStatus(options))
      .catch((error: unknown) => Promise.reject(failed(error)));
    return { exitCode: ExitCode.ok, json: status, text: statusText(status) };
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

export const dbCommand: CommandBody<object> = {
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
        describe: 'stop the embedded Postgres now (idle or kept running)',
        builder: jsonOnly,
        handler: stop,
      })
      .command({
        command: 'status',
        describe: 'whether it runs (pid, port), when it stops, who uses it, and how to connect with psql',
        builder: jsonOnly,
        handler: status,
      })
      .demandCommand(1),
  handler: () => undefined,
};
