import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { withRuntime } from '../runtime.js';
import { withJson } from './common-options.js';

type MigrateArgs = { json: boolean };

const handler = async (args: ArgumentsCamelCase<MigrateArgs>) =>
  runAndPrint(args, async () => {
    const { migrate } = await import('../../adapters/postgres/migrator.js');
    // Opening the runtime already migrates; running it again reports what is recorded.
    return withRuntime(async ({ pool, databaseKind }) => {
      const result = await migrate(pool);
      const applied = [...result.alreadyApplied, ...result.applied];
      return {
        exitCode: ExitCode.ok,
        json: { database: databaseKind, applied, newly_applied: result.applied },
        text: `database: ${databaseKind}\nmigrations applied: ${applied.join(', ')}`,
      };
    });
  });

export const migrateCommand: CommandModule<object, MigrateArgs> = {
  command: 'migrate',
  describe: 'apply the SQL migrations not yet recorded (DATABASE_URL, or the embedded database)',
  builder: (yargs: Argv) => withJson(yargs) as unknown as Argv<MigrateArgs>,
  handler,
};
