import type { Argv } from 'yargs';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { warnOnce, withRuntime } from '../runtime.js';
import { withJson, type ArgsOf, type OptionsOf } from './common-options.js';
import type { CommandBody } from '../lazy-command.js';

const builder = (yargs: Argv) => withJson(yargs);

const handler = async (args: ArgsOf<typeof builder>) =>
  runAndPrint(args, async () => {
    // Opening the runtime already migrates (and says what it applied); running it again reports
    // what is recorded.
    return withRuntime(async ({ migrate, databaseKind, migrationsApplied, databaseWarning }) => {
      if (databaseWarning !== null) warnOnce(databaseWarning);
      const result = await migrate();
      const applied = [...result.alreadyApplied, ...result.applied];
      const newlyApplied = [...migrationsApplied, ...result.applied];
      return {
        exitCode: ExitCode.ok,
        json: { database: databaseKind, applied, newly_applied: newlyApplied },
        text: `database: ${databaseKind}\nmigrations applied: ${applied.join(', ')}\napplied by this call: ${newlyApplied.length === 0 ? 'none (up to date)' : newlyApplied.join(', ')}`,
      };
    });
  });

export const migrateCommand: CommandBody<OptionsOf<typeof builder>> = {
  builder,
  handler,
};
