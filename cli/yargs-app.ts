import { readFileSync } from 'node:fs';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { watchStdout } from './broken-pipe.js';
import { ExitCode } from './exit-codes.js';
import { loadEveryCommand } from './lazy-command.js';
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

/** Whether the command line asks for --json (also `--json=true`, `--output json`), read before
 * yargs could parse it. */
const jsonRequested = (argv: readonly string[]): boolean =>
  argv.some(
    (arg, i) =>
      arg === '--json' ||
      arg === '--output=json' ||
      (arg === '--output' && argv[i + 1] === 'json') ||
      (arg.startsWith('--json=') && !['false', '0', 'no'].includes(arg.slice('--json='.length))),
  );

/** The package's version, from the package.json above this file (dist/cli/yargs-app.js, the
 * bundle dist/bin/aos.cjs or cli/yargs-app.ts itself): read only when --version asks for it. */
const packageVersion = (): string => {
  for (let up = 1; up <= 3; up++) {
    try {
      const manifest = JSON.parse(
        readFileSync(new URL(`${'../'.repeat(up)}package.json`, import.meta.url), 'utf8'),
      ) as { name?: unknown; version?: unknown };
      if (manifest.name === 'aos-runproof' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // not at this level
    }
  }
  return 'unknown';
};

/** The messages yargs fails with when a command (or a command's action) is missing. */
const MISSING_COMMAND = [/^name a command$/, /^Not enough non-option arguments/];

/** Nothing, or only a command's name, on the command line (`aos`, `aos runs`): help is what such a
 * call wants. (`aos runs launch`, an action that does not exist, is a usage error.) */
const onlyCommandWords = (argv: readonly string[]): boolean =>
  argv.length <= 1 && argv.every((arg) => !arg.startsWith('-'));

/** Runs a yargs program with the CLI contract's conventions: strict options, kebab-case, usage
 * errors on stderr with exit code 2 (and one JSON document on stdout when --json was given).
 * `withCommands` adds the commands (lazyCommand), one .command() each, so each command's argument
 * types are checked as its own. */
export const cliProgram = async (name: string, withCommands: (program: Argv) => Argv): Promise<void> => {
  watchStdout();
  const args = hideBin(process.argv);
  const program = programOf(name, args, withCommands);
  if (args.includes('--get-yargs-completions')) await loadEveryCommand();
  await program.parseAsync();
};

const programOf = (name: string, args: readonly string[], withCommands: (program: Argv) => Argv): Argv => {
  const versionRequested = args.includes('--version');
  const program = withCommands(yargs(args).scriptName(name));
  skipHelpRenderingAfterHandlers(program);
  return program
    .demandCommand(1, 'name a command')
    .strict()
    .parserConfiguration({ 'camel-case-expansion': true, 'strip-aliased': true })
    .help()
    .alias('help', 'h')
    .version('version', 'print the version of the CLI', versionRequested ? packageVersion() : '')
    .completion('completion', 'print a bash/zsh completion script (aos completion >> ~/.bashrc)')
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail((message, error, y) => {
      if (error) throw error;
      // A bare `aos` or `aos runs`: the help of that command, not an error.
      if (MISSING_COMMAND.some((m) => m.test(message)) && onlyCommandWords(args)) {
        y.showHelp('log');
        process.exit(ExitCode.ok);
      }
      // The message echoes the command line ("Unknown argument: ..."): printed on one line, escaped.
      process.stderr.write(`error: ${shown(message)}\n(see ${name} --help)\n`);
      if (jsonRequested(process.argv))
        process.stdout.write(`${JSON.stringify({ error: { code: 'usage', message } })}\n`);
      process.exit(ExitCode.usage);
    });
};
