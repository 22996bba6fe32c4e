import { pipe } from 'fp-ts/lib/function.js';
import type { Argv } from 'yargs';
import { LateSealReasonC, SealedByC } from '../../domain/ledger/late-seal.js';
import { RunIdC, TenantIdC } from '../../domain/run/identifiers.js';
import { orThrow } from '../cli-failure.js';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { decodeOption } from '../input-validation.js';
import { withRuntime } from '../runtime.js';
import { withJson, withRunId, withTenant, type ArgsOf } from './common-options.js';
import type { CommandBody } from '../lazy-command.js';

const sealLateOptions = (yargs: Argv) =>
  withJson(withRunId(withTenant(yargs)))
    .option('by', {
      type: 'string',
      describe: 'who seals it (recorded in the signed checkpoint; 1-200 characters, one line)',
    })
    .option('reason', {
      type: 'string',
      describe: 'why it is sealed late (recorded in the signed checkpoint; 1-1000 characters, one line)',
    });

/** Seals a completed run that has no seal, recording in the signed checkpoint that it was sealed
 * late, by whom and why; then proves it. */
const sealLate = async (args: ArgsOf<typeof sealLateOptions>) =>
  runAndPrint(args, async () => {
    const tenantId = decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
    const runId = decodeOption(RunIdC, 'run-id', args['run-id']);
    const by = decodeOption(SealedByC, 'by', args.by);
    const reason =
      args.reason === undefined ? undefined : decodeOption(LateSealReasonC, 'reason', args.reason);
    const { keysDirectoryOf, requireRunKeys } = await import('../signing-keys.js');
    const keys = await requireRunKeys(await keysDirectoryOf(process.env));
    const { configuredWitnesses } = await import('../witness-config.js');
    const witnesses = configuredWitnesses(process.env);
    const { configuredTsa } = await import('../tsa-config.js');
    const tsaUrl = configuredTsa(process.env);
    const [{ sealLateAndProve }, { systemClock }, { lateSealFailure, warnCatchUp }, { proofLines }] =
      await Promise.all([
        import('../../application/ledger/seal-late-and-prove.js'),
        import('../../adapters/system-clock.js'),
        import('../use-case-failures.js'),
        import('../run-proof-report.js'),
      ]);
    return withRuntime(async (runtime) => {
      const late = { by, ...(reason === undefined ? {} : { reason }) };
      const { seal, proof } = pipe(
        await sealLateAndProve(
          { ...runtime, clock: systemClock },
          keys,
          { tenantId, runId, late },
          warnCatchUp,
        ),
        orThrow((error) => lateSealFailure(error, tenantId)),
      );
      const { afterSealing } = await import('../after-sealing.js');
      await afterSealing(runtime, keys, proof, { tsaUrl, witnesses });
      const verified = proof.integrity.verification_status === 'VERIFIED';
      return {
        exitCode: verified ? ExitCode.ok : ExitCode.failed,
        json: {
          run_id: runId,
          tenant_id: tenantId,
          ledger_index: seal.index,
          checkpoint: seal.checkpoint,
          signature: seal.signature,
          integrity: proof.integrity,
          seal: proof.seal,
        },
        text: [
          `Run ID: ${runId}`,
          `Tenant ID: ${tenantId}`,
          `Sealed late: tenant ledger index ${seal.index}`,
          ...proofLines(proof),
        ].join('\n'),
      };
    });
  });

/** aos-int runs: what an operator does to a tenant's runs. */
export const internalRunsCommand: CommandBody<object> = {
  builder: (yargs: Argv) =>
    yargs
      .command({
        command: 'seal-late',
        describe:
          'seal a completed run that has no seal (one completed before runs were sealed with their completion); the seal records that it was sealed late, by whom and why',
        builder: sealLateOptions,
        handler: sealLate,
      })
      .demandCommand(1),
  handler: () => undefined,
};
