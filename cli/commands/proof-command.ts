import { pipe } from 'fp-ts/lib/function.js';
import type { Argv } from 'yargs';
import type { StepInclusion } from '../../application/proof/disclose-step.js';
import type { RunProof } from '../../application/proof/run-proof.js';
import { documentPublicKey, STEP_INCLUSION_FORMAT } from '../../domain/verify/printed-documents.js';
import { RunIdC, StepIndexC as StepC, TenantIdC } from '../../domain/run/identifiers.js';
import { notFound, orThrow, usageError } from '../cli-failure.js';
import { jsonOutput, runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { shown } from '../terminal-text.js';
import { decodeIntegerOption, decodeOption } from '../input-validation.js';
import { proofLines, writeProofDocument } from '../run-proof-report.js';
import { proveCaughtUp } from '../../application/projections/catch-up.js';
import { storeFailure, withAuditRuntime } from '../runtime.js';
import { warnCatchUp } from '../use-case-failures.js';
import { withJson, withRunId, withTenant, type ArgsOf, type OptionsOf } from './common-options.js';
import type { CommandBody } from '../lazy-command.js';

const MODELS = { 'hash-chain': 'HASH_CHAIN', merkle: 'MERKLE_TREE' } as const;
type ModelName = keyof typeof MODELS;
const MODEL_NAMES: readonly ModelName[] = ['hash-chain', 'merkle'];
const DEFAULT_MODEL: ModelName = 'hash-chain';

const builder = (yargs: Argv) =>
  withJson(withRunId(withTenant(yargs)))
    .option('model', {
      choices: MODEL_NAMES,
      default: DEFAULT_MODEL,
      describe: 'integrity model to report: hash-chain (root_hash) or merkle (merkle_root)',
    })
    .option('step', { type: 'string', describe: 'with --inclusion: the step_index to disclose' })
    .option('inclusion', {
      type: 'boolean',
      default: false,
      describe: "print the RFC 9162 inclusion proof of --step's leaf in the run's Merkle tree",
    });

const handler = async (args: ArgsOf<typeof builder>) =>
  runAndPrint(args, async () => {
    const tenantId = decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
    const runId = decodeOption(RunIdC, 'run-id', args['run-id']);
    if (args.inclusion && args.step === undefined)
      throw usageError('step', 'is required with --inclusion (the step_index to disclose)');
    if (args.step !== undefined && !args.inclusion)
      throw usageError('inclusion', "is required with --step (it prints the step's inclusion proof)");
    const step = args.step === undefined ? undefined : decodeIntegerOption(StepC, 'step', args.step);
    const model = args.inclusion ? 'MERKLE_TREE' : MODELS[args.model];
    const [{ discloseStep }, { keysDirectoryOf, loadKnownKeys }] = await Promise.all([
      import('../../application/proof/disclose-step.js'),
      import('../signing-keys.js'),
    ]);
    const knownKeys = await loadKnownKeys(await keysDirectoryOf(process.env));
    return withAuditRuntime(async (runtime) => {
      const proved = pipe(
        await proveCaughtUp(runtime, tenantId, runId, knownKeys, warnCatchUp),
        orThrow(storeFailure),
      );
      // Another tenant's run reads exactly like a run that does not exist; a run this tenant's
      // ledger sealed but whose events are gone is a FAILED proof, not a missing run.
      if (!proved.found && proved.integrity.verification_status !== 'FAILED')
        throw notFound(`run ${runId} not found in tenant ${tenantId}`);
      const proof = { ...proved, integrity: { ...proved.integrity, model } };
      const verified = proof.integrity.verification_status === 'VERIFIED';
      const exitCode = verified ? ExitCode.ok : ExitCode.failed;
      if (step === undefined) {
        if (jsonOutput(args))
          await writeProofDocument(
            process.stdout,
            runtime.readModel.proofReads,
            proof,
            new Date().toISOString(),
          );
        return {
          exitCode,
          json: null,
          printed: true,
          text: [`Run ID: ${runId}`, `Tenant ID: ${tenantId}`, ...proofLines(proof)].join('\n'),
        };
      }
      const disclosed = pipe(await discloseStep(runtime.store, tenantId, runId, step), orThrow(storeFailure));
      if (disclosed === undefined) throw notFound(`run ${runId} has no step ${step}`);
      return { exitCode, ...inclusionDocument(proof, step, disclosed, knownKeys) };
    });
  });

/** The public key record of the run's seal, when it is one of the known keys. */
const sealKey = (proof: RunProof, knownKeys: ReadonlyMap<string, Uint8Array>) => {
  const keyId = proof.sealed?.checkpoint.key_id;
  const raw = keyId === undefined ? undefined : knownKeys.get(keyId);
  return keyId === undefined || raw === undefined ? [] : [documentPublicKey(keyId, raw)];
};

/** `aos proof --step N --inclusion`: the step's leaf, its inclusion path and the sealed root, with
 * the public key the seal names (`aos verify` checks it offline against a key the auditor trusts). */
const inclusionDocument = (
  proof: RunProof,
  step: number,
  inclusion: StepInclusion,
  knownKeys: ReadonlyMap<string, Uint8Array>,
) => ({
  json: {
    format: STEP_INCLUSION_FORMAT,
    run_id: proof.run_id,
    tenant_id: proof.tenant_id,
    integrity: proof.integrity,
    inclusion,
    checkpoint: proof.sealed?.checkpoint ?? null,
    signature: proof.sealed?.signature ?? null,
    public_keys: sealKey(proof, knownKeys),
  },
  text: [
    `Run ID: ${proof.run_id}`,
    `Integrity model: MERKLE_TREE`,
    `Verification status: ${proof.integrity.verification_status}`,
    `step: ${step}`,
    `leaf_index: ${inclusion.leaf_index}`,
    `tree_size: ${inclusion.tree_size}`,
    `leaf_hash: ${inclusion.leaf_hash}`,
    `merkle_root: ${inclusion.merkle_root}`,
    `inclusion_path:`,
    ...inclusion.inclusion_path.map((h) => `  ${h}`),
    `leaf_bytes: ${shown(inclusion.leaf_bytes)}`,
    proof.sealed
      ? `sealed merkle_root: ${proof.sealed.checkpoint.merkle_root} (key ${shown(proof.sealed.checkpoint.key_id)})`
      : 'sealed merkle_root: none (run not sealed)',
  ].join('\n'),
});

export const proofCommand: CommandBody<OptionsOf<typeof builder>> = {
  builder,
  handler,
};
