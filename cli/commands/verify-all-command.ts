import { pipe } from 'fp-ts/lib/function.js';
import type { Argv } from 'yargs';
import type { FailedRun, VerifyAllError } from '../../application/proof/verify-all.js';
import type { Services } from '../../application/services.js';
import { TenantIdC } from '../../domain/run/identifiers.js';
import { CliFailure, orThrow } from '../cli-failure.js';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { shown } from '../terminal-text.js';
import { decodeOption } from '../input-validation.js';
import { storeFailure, withAuditRuntime } from '../runtime.js';
import { withJson, withTenant, type ArgsOf, type OptionsOf } from './common-options.js';
import type { CommandBody } from '../lazy-command.js';

const builder = (yargs: Argv) => withJson(withTenant(yargs));

/** A run that failed its proof, on one line: its ids come from the store, which is what is in doubt. */
const failedRun = (failure: FailedRun): string =>
  shown(`${failure.tenant_id} ${failure.run_id}: ${failure.reason}`);

const verifyAllFailure = (error: VerifyAllError): CliFailure =>
  error.kind === 'unsupported'
    ? new CliFailure(ExitCode.usage, 'unsupported', error.message)
    : storeFailure(error.error);

/** The latest tree head of each tenant that witnesses have not all cosigned (reported, not failed:
 * `aos-int ledger cosign` sends them again). */
const uncosignedHeadsOf = async (runtime: Pick<Services, 'ledgerHeads'>, tenantId: string | null) =>
  pipe(await runtime.ledgerHeads.uncosigned(tenantId)(), orThrow(storeFailure)).map((h) => ({
    tenant_id: h.tenant_id,
    tree_size: h.tree_size,
    root_hash: h.root_hash,
    cosigned_by: [...h.cosignatures.keys()],
  }));

const uncosignedLine = (h: {
  tenant_id: string;
  tree_size: number;
  cosigned_by: readonly string[];
}): string =>
  `  ${shown(h.tenant_id)} size ${h.tree_size}: cosigned by ${h.cosigned_by.length === 0 ? 'none' : h.cosigned_by.map(shown).join(', ')} (aos-int ledger cosign)`;

const handler = async (args: ArgsOf<typeof builder>) =>
  runAndPrint(args, async () => {
    const tenantId =
      args['tenant-id'] === undefined ? null : decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
    const [{ verifyAll }, { keysDirectoryOf, loadKnownKeys }, { progressBar }] = await Promise.all([
      import('../../application/proof/verify-all.js'),
      import('../signing-keys.js'),
      import('../progress-bar.js'),
    ]);
    const knownKeys = await loadKnownKeys(await keysDirectoryOf(process.env));
    return withAuditRuntime(async (runtime) => {
      const bar = await progressBar('verifying runs [{bar}] {value}/{total} | failed {failed}');
      const started = performance.now();
      const verified = await verifyAll(runtime, tenantId, knownKeys, {
        started: (total) => bar.start(total, { failed: 0 }),
        proved: (counts) => bar.increment({ failed: counts.failed }),
        failed: (failure) => {
          if (!process.stderr.isTTY) process.stderr.write(`FAILED ${failedRun(failure)}\n`);
        },
      });
      bar.stop();
      const { runs, counts, failed_runs: failures } = pipe(verified, orThrow(verifyAllFailure));
      const seconds = (performance.now() - started) / 1000;
      const uncosignedHeads = await uncosignedHeadsOf(runtime, tenantId);
      const { unstampedSealsReport } = await import('../unstamped-seals-report.js');
      const unstamped = await unstampedSealsReport(runtime, tenantId, process.env);
      const summary = {
        tenant_id: tenantId,
        runs,
        ...counts,
        seconds: Number(seconds.toFixed(3)),
        failed_runs: failures,
        uncosigned_heads: uncosignedHeads,
        ...unstamped.json,
      };
      const text = [
        `runs: ${runs} in ${seconds.toFixed(1)} s${tenantId ? ` (tenant ${tenantId})` : ''}`,
        `verified: ${counts.verified} (of which sealed late: ${counts.sealed_late})`,
        `failed: ${counts.failed} (of which completed without a seal: ${counts.unsealed})`,
        ...failures.map((f) => `  ${failedRun(f)}`),
        `tree heads not cosigned by every witness: ${uncosignedHeads.length}`,
        ...uncosignedHeads.map(uncosignedLine),
        ...unstamped.lines,
      ].join('\n');
      return { exitCode: counts.failed > 0 ? ExitCode.failed : ExitCode.ok, json: summary, text };
    });
  });

export const verifyAllCommand: CommandBody<OptionsOf<typeof builder>> = {
  builder,
  handler,
};
