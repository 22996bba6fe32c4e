import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { withRuntime } from '../runtime.js';
import { withJson } from './common-options.js';

type MigrateArgs = { json: boolean };

const handler = async (args: ArgumentsCamelCase<MigrateArgs>) =>
  runAndPrint(args, async () => {
    // Opening the runtime already migrates (and says what it applied); running it again reports
    // what is recorded.
    return withRuntime(async ({ migrate, databaseKind, migrationsApplied }) => {
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

export const migrateCommand: CommandModule<object, MigrateArgs> = {
  command: 'migrate',
  describe: 'apply the SQL migrations not yet recorded (DATABASE_URL, or the embedded database)',
  builder: (yargs: Argv) => withJson(yargs) as unknown as Argv<MigrateArgs>,
  handler,
};
