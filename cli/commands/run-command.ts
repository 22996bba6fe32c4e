import { pipe } from 'fp-ts/lib/function.js';
import type { Argv } from 'yargs';
import { AgentIdC, GoalC, OriginSystemIdC, TenantIdC } from '../../domain/run/identifiers.js';
import { orThrow } from '../cli-failure.js';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { shown } from '../terminal-text.js';
import { decodeIntegerOption, decodeOption } from '../input-validation.js';
import { proofLines } from '../run-proof-report.js';
import { runDocument } from '../run-document.js';
import { runExecutionDeps } from '../run-execution-deps.js';
import { runFailure } from '../use-case-failures.js';
import type { RunProof } from '../../application/proof/run-proof.js';
import type { RunUseCaseError } from '../../application/runs/run-and-prove.js';
import { intBetween } from '../../domain/json/bounded-codecs.js';
import { IdempotencyKeyC } from '../../domain/run/idempotency-key.js';
import { MAX_BUDGET_CENTS } from '../../domain/agent/budget.js';
import { withRuntime } from '../runtime.js';
import { afterSealing } from '../after-sealing.js';
import { configuredWitnesses } from '../witness-config.js';
import { configuredTsa } from '../tsa-config.js';
import { withJson, withTenant, type ArgsOf, type OptionsOf } from './common-options.js';
import type { CommandBody } from '../lazy-command.js';

const builder = (yargs: Argv) =>
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
    .option('quiet', {
      alias: 'q',
      type: 'boolean',
      default: false,
      describe: 'print no sign of life on stderr (the run id as it starts, each step as it ends)',
    })
    .option('idempotency-key', {
      type: 'string',
      describe:
        'the same key in the same tenant creates one run; later calls return it (1-200 printable ASCII)',
    });

const handler = async (args: ArgsOf<typeof builder>) =>
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
    const notaries = { witnesses: configuredWitnesses(process.env), tsaUrl: configuredTsa(process.env) };
    const failed = orThrow((error: RunUseCaseError) =>
      runFailure(error, request.tenant_id, request.agent_id),
    );
    const { watchRun } = await import('../run-signs-of-life.js');
    const watch = watchRun(request.tenant_id, { quiet: args.quiet });
    return withRuntime(async (runtime) => {
      const deps = { ...(await runExecutionDeps(runtime)), progress: watch.progress };
      if (key === undefined) {
        const { runAndProve } = await import('../../application/runs/run-and-prove.js');
        const { outcome, proof } = pipe(await runAndProve(deps, request, keys), failed);
        if (proof.seal.status === 'sealed') await afterSealing(runtime, keys, proof, notaries);
        return runResult(runDocument(request, outcome, proof), proof, []);
      }
      const { runOnceAndProve } = await import('../../application/runs/run-once-and-prove.js');
      const run = pipe(await runOnceAndProve(deps, request, key, keys), failed);
      if (run.created && run.proof.seal.status === 'sealed')
        await afterSealing(runtime, keys, run.proof, notaries);
      const note = run.created
        ? []
        : [
            `Existing run for idempotency key ${key}: nothing was executed again.${run.status !== 'in_progress' ? '' : ' It has not completed yet (another process is running it, or its process died: continue it with aos runs resume).'}`,
          ];
      const document = {
        ...runDocument(
          request,
          { run_id: run.run_id, tenant_id: request.tenant_id, status: run.status },
          run.proof,
        ),
        idempotency_key: key,
        created: run.created,
        ...(note[0] ? { note: note[0] } : {}),
      };
      return runResult(document, run.proof, note);
    }).finally(watch.stop);
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
      ? [
          `Error: ${shown(document.error.code)}${document.error.message ? ` - ${shown(document.error.message)}` : ''}`,
        ]
      : []),
    ...proofLines(proof),
    ...notes,
  ].join('\n'),
});

export const runCommand: CommandBody<OptionsOf<typeof builder>> = {
  builder,
  handler,
};
