import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { AgentIdC, GoalC, OriginSystemIdC, TenantIdC } from '../../domain/run/identifiers.js';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { decodeOption } from '../input-validation.js';
import { proofLines } from '../run-proof-report.js';
import { runAndProve, runDocument } from '../run-and-prove.js';
import { withRuntime } from '../runtime.js';
import { withJson, withTenant } from './common-options.js';

type RunArgs = { 'tenant-id'?: string; 'agent-id'?: string; goal?: string; 'origin-system-id'?: string; json: boolean };

const handler = async (args: ArgumentsCamelCase<RunArgs>) =>
  runAndPrint(args, async () => {
    const request = {
      tenant_id: decodeOption(TenantIdC, 'tenant-id', args['tenant-id']),
      agent_id: decodeOption(AgentIdC, 'agent-id', args['agent-id']),
      goal: decodeOption(GoalC, 'goal', args.goal),
      origin_system_id: decodeOption(OriginSystemIdC, 'origin-system-id', args['origin-system-id']),
    };
    const { keysDirectoryOf, requireRunKeys } = await import('../signing-keys.js');
    const keys = await requireRunKeys(await keysDirectoryOf(process.env));
    return withRuntime(async (runtime) => {
      const { outcome, proof } = await runAndProve(runtime, request, keys);
      const verified = proof.integrity.verification_status === 'VERIFIED';
      return {
        exitCode: outcome.status === 'succeeded' && verified ? ExitCode.ok : ExitCode.failed,
        json: runDocument(request, outcome, proof),
        text: [`Run ID: ${outcome.run_id}`, `Tenant ID: ${outcome.tenant_id}`, `Status: ${outcome.status}`, ...proofLines(proof)].join('\n'),
      };
    });
  });

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: "run a goal through a tenant's agent: create, plan, execute, project, prove",
  builder: (yargs: Argv) =>
    withJson(withTenant(yargs))
      .option('agent-id', { type: 'string', describe: 'agent of that tenant' })
      .option('goal', { type: 'string', describe: 'what the agent should achieve (1-4000 characters, one line)' })
      .option('origin-system-id', { type: 'string', default: 'cus-cli', describe: 'system the run request came from' }) as unknown as Argv<RunArgs>,
  handler,
};
