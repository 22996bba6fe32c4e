import type { ArgumentsCamelCase, Argv, CommandBuilder, CommandModule } from 'yargs';

/** What a command's module exports: its options (and subcommands) and its handler. Its name and
 * description are in the program's list (cli/aos.ts, cli/aos-int.ts), with a lazyCommand each. */
export type CommandBody<U> = {
  readonly builder: (yargs: Argv) => Argv<U>;
  readonly handler: (args: ArgumentsCamelCase<U>) => void | Promise<void>;
};

/** Every lazy command's loader, for loadEveryCommand. */
const loaders: (() => Promise<unknown>)[] = [];

/**
 * A command whose module (its builder, its handler and all they import: the application layer,
 * fp-ts, pg, ...) is loaded only when the command line names it. In the bundle (scripts/bundle-cli.mjs)
 * a module reached through import() alone is evaluated on its first import(), so a call of
 * `aos proof` evaluates what proof needs and not what `aos run` or `aos serve` would: a CLI call's
 * start-up no longer grows with the number of commands. yargs runs the builder of the command named
 * only, and waits for it when it is async (parseAsync).
 */
export const lazyCommand = <U>(
  command: string,
  describe: string,
  load: () => Promise<CommandBody<U>>,
): CommandModule<object, U> => {
  let body: CommandBody<U> | undefined;
  const loaded = async (): Promise<CommandBody<U>> => (body ??= await load());
  loaders.push(loaded);
  // Once loaded (loadEveryCommand), the builder runs at once: yargs' completion calls it without
  // waiting for a promise. Otherwise it returns one, which yargs waits for.
  const builder = (yargs: Argv): Argv<U> | PromiseLike<Argv<U>> =>
    body === undefined ? loaded().then((b) => b.builder(yargs)) : body.builder(yargs);
  return {
    command,
    describe,
    // yargs' CommandBuilder types a builder as returning an Argv or a promise of one, not either.
    builder: builder as CommandBuilder<object, U>,
    handler: async (args) => (await loaded()).handler(args),
  };
};

/** Loads every lazy command's module: shell completion (--get-yargs-completions) walks the
 * subcommands and options of the command line's command by calling its builder synchronously. */
export const loadEveryCommand = async (): Promise<void> => {
  await Promise.all(loaders.map((load) => load()));
};
