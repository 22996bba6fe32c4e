import type { ArgumentsCamelCase, Argv } from 'yargs';

/** What a command's builder parses its options to, as yargs infers them from the builder's chain
 * of .option()/.positional() calls: the handler's argument type follows the builder, no cast. */
export type OptionsOf<B> = B extends (yargs: Argv) => Argv<infer T> ? T : never;

/** A handler's argument: those options under their kebab-case and camelCase names, with `_` and `$0`. */
export type ArgsOf<B> = ArgumentsCamelCase<OptionsOf<B>>;

/** --json and --output, taken by every command. */
export const withJson = <T>(yargs: Argv<T>) =>
  yargs
    .option('json', {
      type: 'boolean',
      default: false,
      describe: 'print exactly one JSON document on stdout (the same as --output json)',
    })
    .option('output', {
      choices: ['table', 'json', 'tsv'] as const,
      describe:
        'table: text for people (tables fit the terminal); json: as --json; tsv: lists as tab-separated values',
    });

export const withTenant = <T>(yargs: Argv<T>) =>
  yargs.option('tenant-id', {
    type: 'string',
    describe: 'tenant the command acts for (every read and write is scoped by it)',
  });

/** A run id in any letter case: run ids are stored and printed in lowercase. */
const lowercase = (value: unknown): unknown => (typeof value === 'string' ? value.toLowerCase() : value);

export const withRunId = <T>(yargs: Argv<T>) =>
  yargs.option('run-id', { type: 'string', describe: 'run id (UUID, any letter case)', coerce: lowercase });
