import { pipe } from 'fp-ts/lib/function.js';
import type { Argv } from 'yargs';
import type { EventStoreError } from '../../domain/ports/event-store.js';
import type { BundleEvent } from '../../application/bundle/export-run-bundle.js';
import type { ProgressBar } from '../progress-bar.js';
import { RunIdC, TenantIdC } from '../../domain/run/identifiers.js';
import { notFound, orThrow } from '../cli-failure.js';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { shown } from '../terminal-text.js';
import { decodeOption } from '../input-validation.js';
import { storeFailure, withAuditRuntime } from '../runtime.js';
import { ledgerFailure, warnCatchUp } from '../use-case-failures.js';
import { withJson, withRunId, withTenant, type ArgsOf, type OptionsOf } from './common-options.js';
import type { CommandBody } from '../lazy-command.js';

// --json is accepted as everywhere (the bundle is JSON either way; failures then print a JSON error).
const builder = (yargs: Argv) => withJson(withRunId(withTenant(yargs)));

/** The run's events as they stream from the store, each counted on `bar`, and the store's failure
 * once they ended (null when all were read). The read is returned whatever stops this (all events
 * written, or the writer gone, as when stdout's reader left). */
const eventsCounted = (
  events: () => AsyncGenerator<BundleEvent, EventStoreError | null>,
  bar: ProgressBar,
  total: number,
) => {
  let failure: EventStoreError | null = null;
  async function* rows() {
    const source = events();
    bar.start(total);
    try {
      for (let next = await source.next(); ; next = await source.next()) {
        if (next.done) {
          failure = next.value;
          return;
        }
        yield next.value;
        bar.increment();
      }
    } finally {
      bar.stop();
      await source.return(null);
    }
  }
  return { rows, failure: () => failure };
};

const handler = async (args: ArgsOf<typeof builder>) =>
  runAndPrint({ json: true }, async () => {
    const tenantId = decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
    const runId = decodeOption(RunIdC, 'run-id', args['run-id']);
    const [
      { exportRunBundle },
      { keysDirectoryOf, requireRunKeys },
      { writeJsonWithStreamedArray },
      { progressBar },
    ] = await Promise.all([
      import('../../application/bundle/export-run-bundle.js'),
      import('../signing-keys.js'),
      import('../json-stream.js'),
      import('../progress-bar.js'),
    ]);
    // The tree head in the bundle is signed now, with the active key.
    const keys = await requireRunKeys(await keysDirectoryOf(process.env));
    return withAuditRuntime(async (runtime) => {
      const { proof, bundle, events } = pipe(
        await exportRunBundle(runtime, keys, tenantId, runId, new Date().toISOString(), warnCatchUp),
        orThrow((error) =>
          error.kind === 'run_not_found'
            ? notFound(`run ${runId} not found in tenant ${tenantId}`)
            : ledgerFailure(error),
        ),
      );
      const { format, tenant_id, run_id, ...rest } = bundle;
      const verified = proof.integrity.verification_status === 'VERIFIED';
      if (!verified)
        process.stderr.write(
          `warning: this run does not verify (${shown(proof.integrity.failure_reason)}); the bundle records that verdict\n`,
        );
      // The events stream from the store into the document: a run of any length exports in bounded
      // memory. The read is returned whatever stops this (all events written, or the writer gone,
      // as when stdout's reader left).
      const bar = await progressBar('exporting run events [{bar}] {value}/{total}');
      const streamed = eventsCounted(events, bar, proof.integrity.chain_length);
      await writeJsonWithStreamedArray(
        process.stdout,
        { format, tenant_id, run_id },
        'events',
        streamed.rows(),
        rest,
      );
      const failure = streamed.failure();
      if (failure) throw storeFailure(failure);
      return { exitCode: verified ? ExitCode.ok : ExitCode.failed, json: null, printed: true, text: '' };
    });
  });

export const exportCommand: CommandBody<OptionsOf<typeof builder>> = {
  builder,
  handler,
};
