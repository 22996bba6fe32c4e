import type { Argv } from 'yargs';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { withJson, type ArgsOf } from './common-options.js';
import type { CommandBody } from '../lazy-command.js';

const jsonOnly = (yargs: Argv) => withJson(yargs);
type SkillsArgs = ArgsOf<typeof jsonOnly>;

const list = async (args: SkillsArgs) =>
  runAndPrint(args, async () => {
    const { builtinSkillRegistry, describeSkill } =
      await import('../../adapters/skills/builtin-skill-registry.js');
    const skills = builtinSkillRegistry().list().map(describeSkill);
    return {
      exitCode: ExitCode.ok,
      json: { skills },
      table: {
        head: ['name', 'version', 'idempotent', 'pure', 'params', 'description'],
        rows: skills.map((s) => [
          s.name,
          s.version,
          s.idempotent,
          s.pure ? 'yes' : 'no',
          Object.keys(s.params).join(', '),
          s.description,
        ]),
        wrap: ['idempotent', 'params', 'description'],
      },
    };
  });

export const skillsCommand: CommandBody<object> = {
  builder: (yargs: Argv) =>
    yargs
      .command({
        command: 'list',
        describe: 'list skills with their params',
        builder: jsonOnly,
        handler: list,
      })
      .demandCommand(1),
  handler: () => undefined,
};
