import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { EventStoreError } from '../../domain/ports/event-store.js';
import { RunIdC, TenantIdC } from '../../domain/run/identifiers.js';
import { notFound } from '../cli-failure.js';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { decodeOption } from '../input-validation.js';
import { proveCaughtUp } from '../../application/projections/catch-up.js';
import { storeFailure, withRuntime } from '../runtime.js';
import { withJson, withRunId, withTenant } from './common-options.js';

type ExportArgs = { 'tenant-id'?: string; 'run-id'?: string; json: boolean };

const handler = async (args: ArgumentsCamelCase<ExportArgs>) =>
  runAndPrint({ json: true }, async () => {
    const tenantId = decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
    const runId = decodeOption(RunIdC, 'run-id', args['run-id']);
    const [
      { runEvents },
      { keysDirectoryOf, requireRunKeys },
      { readTenantLedger },
      { buildBundle, bundleEvent },
      { writeJsonWithStreamedArray },
    ] = await Promise.all([
      import('../../application/proof/prove-run.js'),
      import('../signing-keys.js'),
      import('../../application/ledger/read-tenant-ledger.js'),
      import('../../application/bundle/bundle-export.js'),
      import('../json-stream.js'),
    ]);
    // The tree head in the bundle is signed now, with the active key.
    const keys = await requireRunKeys(await keysDirectoryOf(process.env));
    return withRuntime(async ({ pool, store }) => {
      const proof = await proveCaughtUp({ pool, store }, tenantId, runId, keys.knownKeys);
      if (proof._tag === 'Left') throw storeFailure(proof.left);
      // As aos proof: a run this tenant's ledger sealed whose events are gone is exported as the
      // FAILED verdict it is (its seal, no events), not reported missing.
      if (!proof.right.found && proof.right.integrity.verification_status !== 'FAILED')
        throw notFound(`run ${runId} not found in tenant ${tenantId}`);
      const ledger = proof.right.sealed ? await readTenantLedger(store, tenantId) : [];
      const { format, tenant_id, run_id, ...rest } = buildBundle(
        proof.right,
        ledger,
        keys,
        new Date().toISOString(),
      );
      const verified = proof.right.integrity.verification_status === 'VERIFIED';
      const chainLength = proof.right.integrity.chain_length;
      if (!verified)
        process.stderr.write(
          `warning: this run does not verify (${proof.right.integrity.failure_reason}); the bundle records that verdict\n`,
        );
      // The events stream from the store into the document: a run of any length exports in bounded memory.
      let failure: EventStoreError | null = null;
      async function* events() {
        // The events the verdict was made on: a run still being written gets no event added since.
        // The read holds a connection until it ends or is returned: returned whatever stops this
        // (all events written, or the writer gone, as when stdout's reader left).
        const source = runEvents(store, tenantId, runId);
        try {
          let left = chainLength;
          for (let next = await source.next(); left > 0; next = await source.next(), left--) {
            if (next.done) {
              failure = next.value;
              return;
            }
            yield bundleEvent(next.value);
          }
        } finally {
          await source.return(null);
        }
      }
      await writeJsonWithStreamedArray(
        process.stdout,
        { format, tenant_id, run_id },
        'events',
        events(),
        rest,
      );
      if (failure) throw storeFailure(failure);
      return { exitCode: verified ? ExitCode.ok : ExitCode.failed, json: null, printed: true, text: '' };
    });
  });

export const exportCommand: CommandModule<object, ExportArgs> = {
  command: 'export',
  describe:
    'print an offline proof bundle (aos.runproof.bundle.v1) of a run on stdout: aos export ... > bundle.json',
  // --json is accepted as everywhere (the bundle is JSON either way; failures then print a JSON error).
  builder: (yargs: Argv) => withJson(withRunId(withTenant(yargs))) as unknown as Argv<ExportArgs>,
  handler,
};
