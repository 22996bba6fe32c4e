import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { RunIdC, TenantIdC } from '../../domain/run/identifiers.js';
import { notFound } from '../cli-failure.js';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { decodeOption } from '../input-validation.js';
import { proofDocument, proofLines } from '../run-proof-report.js';
import { storeFailure, withRuntime } from '../runtime.js';
import { withJson, withRunId, withTenant } from './common-options.js';

type ProofArgs = { 'tenant-id'?: string; 'run-id'?: string; json: boolean };

const handler = async (args: ArgumentsCamelCase<ProofArgs>) =>
  runAndPrint(args, async () => {
    const tenantId = decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
    const runId = decodeOption(RunIdC, 'run-id', args['run-id']);
    const { proveRun } = await import('../../projections/run-proof.js');
    const { keysDirectoryOf, loadKnownKeys } = await import('../signing-keys.js');
    const knownKeys = await loadKnownKeys(await keysDirectoryOf(process.env));
    return withRuntime(async ({ pool, store }) => {
      const proof = await proveRun(pool, store, tenantId, runId, knownKeys);
      if (proof._tag === 'Left') throw storeFailure(proof.left);
      // Another tenant's run reads exactly like a run that does not exist.
      if (!proof.right.found) throw notFound(`run ${runId} not found in tenant ${tenantId}`);
      const verified = proof.right.integrity.verification_status === 'VERIFIED';
      return {
        exitCode: verified ? ExitCode.ok : ExitCode.failed,
        json: proofDocument(proof.right, new Date().toISOString()),
        text: [`Run ID: ${runId}`, `Tenant ID: ${tenantId}`, ...proofLines(proof.right)].join('\n'),
      };
    });
  });

export const proofCommand: CommandModule<object, ProofArgs> = {
  command: 'proof',
  describe: 'verify a run by replay: rebuild its hash chain and compare it with the store and the trace tables',
  builder: (yargs: Argv) => withJson(withRunId(withTenant(yargs))) as unknown as Argv<ProofArgs>,
  handler,
};
