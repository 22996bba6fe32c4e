import type { Argv } from 'yargs';

/** --json, taken by every command. */
export const withJson = <T>(yargs: Argv<T>) =>
  yargs.option('json', {
    type: 'boolean',
    default: false,
    describe: 'print exactly one JSON document on stdout',
  });

export const withTenant = <T>(yargs: Argv<T>) =>
  yargs.option('tenant-id', {
    type: 'string',
    describe: 'tenant the command acts for (every read and write is scoped by it)',
  });

export const withRunId = <T>(yargs: Argv<T>) =>
  yargs.option('run-id', { type: 'string', describe: 'run id (UUID)' });
