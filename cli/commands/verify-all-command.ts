import { pipe } from 'fp-ts/lib/function.js';
import type { Argv, CommandModule } from 'yargs';
import type { FailedRun, VerifyAllError } from '../../application/proof/verify-all.js';
import { TenantIdC } from '../../domain/run/identifiers.js';
import { CliFailure, orThrow } from '../cli-failure.js';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { shown } from '../terminal-text.js';
import { decodeOption } from '../input-validation.js';
import { storeFailure, withRuntime } from '../runtime.js';
import { withJson, withTenant, type ArgsOf, type OptionsOf } from './common-options.js';

const builder = (yargs: Argv) => withJson(withTenant(yargs));

/** A run that failed its proof, on one line: its ids come from the store, which is what is in doubt. */
const failedRun = (failure: FailedRun): string =>
  shown(`${failure.tenant_id} ${failure.run_id}: ${failure.reason}`);

const verifyAllFailure = (error: VerifyAllError): CliFailure =>
  error.kind === 'unsupported'
    ? new CliFailure(ExitCode.usage, 'unsupported', error.message)
    : storeFailure(error.error);

const handler = async (args: ArgsOf<typeof builder>) =>
  runAndPrint(args, async () => {
    const tenantId =
      args['tenant-id'] === undefined ? null : decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
    const [{ verifyAll }, { keysDirectoryOf, loadKnownKeys }, { default: progress }] = await Promise.all([
      import('../../application/proof/verify-all.js'),
      import('../signing-keys.js'),
      import('cli-progress'),
    ]);
    const knownKeys = await loadKnownKeys(await keysDirectoryOf(process.env));
    return withRuntime(async (runtime) => {
      const bar = process.stderr.isTTY
        ? new progress.SingleBar(
            {
              stream: process.stderr,
              format: 'verifying runs [{bar}] {value}/{total} | failed {failed}',
              hideCursor: true,
            },
            progress.Presets.shades_classic,
          )
        : null;
      const started = performance.now();
      const verified = await verifyAll(runtime, tenantId, knownKeys, {
        started: (total) => bar?.start(total, 0, { failed: 0 }),
        proved: (counts) => bar?.increment(1, { failed: counts.failed }),
        failed: (failure) => {
          if (!bar) process.stderr.write(`FAILED ${failedRun(failure)}\n`);
        },
      });
      bar?.stop();
      const { runs, counts, failed_runs: failures } = pipe(verified, orThrow(verifyAllFailure));
      const seconds = (performance.now() - started) / 1000;
      const summary = {
        tenant_id: tenantId,
        runs,
        ...counts,
        seconds: Number(seconds.toFixed(3)),
        failed_runs: failures,
      };
      const text = [
        `runs: ${runs} in ${seconds.toFixed(1)} s${tenantId ? ` (tenant ${tenantId})` : ''}`,
        `verified: ${counts.verified} (of which sealed late: ${counts.sealed_late})`,
        `failed: ${counts.failed} (of which completed without a seal: ${counts.unsealed})`,
        ...failures.map((f) => `  ${failedRun(f)}`),
      ].join('\n');
      return { exitCode: counts.failed > 0 ? ExitCode.failed : ExitCode.ok, json: summary, text };
    });
  });

export const verifyAllCommand: CommandModule<object, OptionsOf<typeof builder>> = {
  command: 'verify-all',
  describe:
    "prove every run (or one tenant's), streaming; summary of verified / failed (a completed run without a seal fails); exit 1 if any failed",
  builder,
  handler,
};
