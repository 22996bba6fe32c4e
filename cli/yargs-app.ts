import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { watchStdout } from './broken-pipe.js';
import { ExitCode } from './exit-codes.js';
import { shown } from './terminal-text.js';

type YargsInternals = {
  getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } };
};

/** yargs renders a command's whole help text right after starting its handler, in case an async
 * handler calls showHelp() later (usage.cacheHelpMessage): 10-20 ms of every CLI call, string
 * widths and all. No handler here shows help (failures print their message and "see --help"),
 * so the programs skip that; `--help` itself is unaffected. */
const skipHelpRenderingAfterHandlers = (program: Argv): void => {
  // The one cast of the CLI's yargs code: getInternalMethods is yargs' own, not in its typings.
  const usage = (program as unknown as YargsInternals).getInternalMethods?.().getUsageInstance?.();
  if (typeof usage?.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => undefined;
};

/** Whether the command line asks for --json (also `--json=true`), read before yargs could parse it. */
const jsonRequested = (argv: readonly string[]): boolean =>
  argv.some(
    (arg) =>
      arg === '--json' ||
      (arg.startsWith('--json=') && !['false', '0', 'no'].includes(arg.slice('--json='.length))),
  );

/** A yargs program with the CLI contract's conventions: strict options, kebab-case, usage errors
 * on stderr with exit code 2 (and one JSON document on stdout when --json was given). `withCommands`
 * adds the commands, one .command() each, so each command's argument types are checked as its own. */
export const cliProgram = (name: string, withCommands: (program: Argv) => Argv): Argv => {
  watchStdout();
  const program = withCommands(yargs(hideBin(process.argv)).scriptName(name));
  skipHelpRenderingAfterHandlers(program);
  return program
    .demandCommand(1, 'name a command')
    .strict()
    .parserConfiguration({ 'camel-case-expansion': true, 'strip-aliased': true })
    .help()
    .version(false)
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail((message, error, y) => {
      if (error) throw error;
      // The message echoes the command line ("Unknown argument: ..."): printed on one line, escaped.
      process.stderr.write(`${y.help() ? '' : ''}error: ${shown(message)}\n(see ${name} --help)\n`);
      if (jsonRequested(process.argv))
        process.stdout.write(`${JSON.stringify({ error: { code: 'usage', message } })}\n`);
      process.exit(ExitCode.usage);
    });
};
