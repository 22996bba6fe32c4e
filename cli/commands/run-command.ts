import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { AgentIdC, GoalC, OriginSystemIdC, TenantIdC } from '../../domain/run/identifiers.js';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { decodeIntegerOption, decodeOption } from '../input-validation.js';
import { proofLines } from '../run-proof-report.js';
import { orFail, runAndProve, runDocument, runExecutionDeps, sealProjectProve } from '../run-and-prove.js';
import type { RunProof } from '../../projections/run-proof.js';
import { intBetween } from '../../domain/json/bounded-codecs.js';
import { IdempotencyKeyC } from '../../domain/run/idempotency-key.js';
import { MAX_BUDGET_CENTS } from '../../domain/agent/budget.js';
import { withRuntime } from '../runtime.js';
import { withJson, withTenant } from './common-options.js';

type RunArgs = {
  'tenant-id'?: string;
  'agent-id'?: string;
  goal?: string;
  'origin-system-id'?: string;
  'budget-cents'?: string;
  'idempotency-key'?: string;
  json: boolean;
};

const handler = async (args: ArgumentsCamelCase<RunArgs>) =>
  runAndPrint(args, async () => {
    const request = {
      tenant_id: decodeOption(TenantIdC, 'tenant-id', args['tenant-id']),
      agent_id: decodeOption(AgentIdC, 'agent-id', args['agent-id']),
      goal: decodeOption(GoalC, 'goal', args.goal),
      origin_system_id: decodeOption(OriginSystemIdC, 'origin-system-id', args['origin-system-id']),
      ...(args['budget-cents'] === undefined
        ? {}
        : {
            budget_cents: decodeIntegerOption(
              intBetween(0, MAX_BUDGET_CENTS),
              'budget-cents',
              args['budget-cents'],
            ),
          }),
    };
    const key =
      args['idempotency-key'] === undefined
        ? undefined
        : decodeOption(IdempotencyKeyC, 'idempotency-key', args['idempotency-key']);
    const { keysDirectoryOf, requireRunKeys } = await import('../signing-keys.js');
    const keys = await requireRunKeys(await keysDirectoryOf(process.env));
    return withRuntime(async (runtime) => {
      if (key === undefined) {
        const { outcome, proof } = await runAndProve(runtime, request, keys);
        return runResult(runDocument(request, outcome, proof), proof, []);
      }
      const { executeRunOnce } = await import('../../domain/run/run-resumption.js');
      const run = orFail(
        await executeRunOnce(await runExecutionDeps(runtime), request, key),
        request.tenant_id,
        request.agent_id,
      );
      const proof = await sealProjectProve(runtime, keys, run.stream);
      const status = run.outcome?.status ?? 'in_progress';
      const note = run.created
        ? []
        : [
            `Existing run for idempotency key ${key}: nothing was executed again.${run.outcome ? '' : ' It has not completed yet (another process is running it, or its process died: continue it with aos runs resume).'}`,
          ];
      const document = {
        ...runDocument(request, { run_id: run.stream.runId, tenant_id: request.tenant_id, status }, proof),
        idempotency_key: key,
        created: run.created,
        ...(note[0] ? { note: note[0] } : {}),
      };
      return runResult(document, proof, note);
    });
  });

/** Exit 0 only for a run that succeeded and proves VERIFIED. */
const runResult = (document: ReturnType<typeof runDocument>, proof: RunProof, notes: readonly string[]) => ({
  exitCode:
    document.status === 'succeeded' && proof.integrity.verification_status === 'VERIFIED'
      ? ExitCode.ok
      : ExitCode.failed,
  json: document,
  text: [
    `Run ID: ${document.run_id}`,
    `Tenant ID: ${document.tenant_id}`,
    `Status: ${document.status}`,
    ...(document.error
      ? [`Error: ${document.error.code}${document.error.message ? ` - ${document.error.message}` : ''}`]
      : []),
    ...proofLines(proof),
    ...notes,
  ].join('\n'),
});

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: "run a goal through a tenant's agent: create, plan, execute, project, prove",
  builder: (yargs: Argv) =>
    withJson(withTenant(yargs))
      .option('agent-id', { type: 'string', describe: 'agent of that tenant' })
      .option('goal', {
        type: 'string',
        describe: 'what the agent should achieve (1-4000 characters, one line)',
      })
      .option('origin-system-id', {
        type: 'string',
        default: 'cus-cli',
        describe: 'system the run request came from',
      })
      .option('budget-cents', {
        type: 'string',
        describe: "this run's budget in cents (default: the agent's)",
      })
      .option('idempotency-key', {
        type: 'string',
        describe:
          'the same key in the same tenant creates one run; later calls return it (1-200 printable ASCII)',
      }) as unknown as Argv<RunArgs>,
  handler,
};
