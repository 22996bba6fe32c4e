import yargs, { type Argv, type CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ExitCode } from './exit-codes.js';

/** A yargs program with the CLI contract's conventions: strict options, kebab-case, usage errors
 * on stderr with exit code 2 (and one JSON document on stdout when --json was given). */
export const cliProgram = (name: string, commands: readonly CommandModule[]): Argv => {
  let program = yargs(hideBin(process.argv)).scriptName(name);
  for (const command of commands) program = program.command(command as CommandModule);
  return program
    .demandCommand(1, 'name a command')
    .strict()
    .parserConfiguration({ 'camel-case-expansion': true, 'strip-aliased': true })
    .help()
    .version(false)
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail((message, error, y) => {
      if (error) throw error;
      process.stderr.write(`${y.help() ? '' : ''}error: ${message}\n(see ${name} --help)\n`);
      if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify({ error: { code: 'usage', message } })}\n`);
      process.exit(ExitCode.usage);
    });
};
