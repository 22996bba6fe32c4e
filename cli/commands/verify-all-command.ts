import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { TenantIdC } from '../../domain/run/identifiers.js';
import { CliFailure } from '../cli-failure.js';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { decodeOption } from '../input-validation.js';
import { catchUpAllProjections, catchUpRunProjections } from '../../application/projections/catch-up.js';
import { storeFailure, withRuntime } from '../runtime.js';
import { withJson, withTenant } from './common-options.js';

type Args = { 'tenant-id'?: string; json: boolean };

type Failure = { tenant_id: string; run_id: string; reason: string | null; divergence: unknown };

const handler = async (args: ArgumentsCamelCase<Args>) =>
  runAndPrint(args, async () => {
    const tenantId =
      args['tenant-id'] === undefined ? null : decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
    const [{ sweepRuns, countRuns }, { keysDirectoryOf, loadKnownKeys }, { default: progress }] =
      await Promise.all([
        import('../../application/proof/verify-all-runs.js'),
        import('../signing-keys.js'),
        import('cli-progress'),
      ]);
    const knownKeys = await loadKnownKeys(await keysDirectoryOf(process.env));
    return withRuntime(async ({ pool, store, eventStore }) => {
      // The sweep lists runs with SQL over aos_events; with EventStoreDB it would find none and pass.
      if (eventStore !== 'postgres')
        throw new CliFailure(
          ExitCode.usage,
          'unsupported',
          'verify-all lists runs from the Postgres event store; with AOS_EVENTSTORE_URL set it is not supported yet (prove runs one by one with aos proof)',
        );
      // Runs whose process died before projecting: catch the projections up first (best effort).
      await catchUpAllProjections({ pool, store });
      const total = await countRuns(pool, tenantId);
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
      bar?.start(total, 0, { failed: 0 });
      const counts = { verified: 0, failed: 0, unsealed: 0, not_found: 0 };
      const failures: Failure[] = [];
      const started = performance.now();
      const swept = await sweepRuns(
        pool,
        store,
        tenantId,
        knownKeys,
        (proof) => {
          const status = proof.integrity.verification_status;
          if (status === 'VERIFIED') counts.verified += 1;
          else if (status === 'FAILED') {
            counts.failed += 1;
            failures.push({
              tenant_id: proof.tenant_id,
              run_id: proof.run_id,
              reason: proof.integrity.failure_reason,
              divergence: proof.integrity.divergence,
            });
            if (!bar)
              process.stderr.write(
                `FAILED ${proof.tenant_id} ${proof.run_id}: ${proof.integrity.failure_reason}\n`,
              );
          } else counts.not_found += 1;
          if (status === 'VERIFIED' && proof.seal.status === 'unsealed') counts.unsealed += 1;
          bar?.increment(1, { failed: counts.failed });
        },
        (orphan) => {
          counts.failed += 1;
          const reason = `rows in ${orphan.tables} for a run with no event in the store (made by hand, or its events deleted)`;
          failures.push({
            tenant_id: orphan.tenant_id,
            run_id: orphan.run_id,
            reason,
            divergence: {
              source: 'projection',
              seq: null,
              field: `${orphan.tables.split(', ')[0] ?? 'aos_traces'}.rows`,
              expected: 'absent',
              actual: 'present',
            },
          });
          if (!bar) process.stderr.write(`FAILED ${orphan.tenant_id} ${orphan.run_id}: ${reason}\n`);
        },
        (tenant, runId) => catchUpRunProjections({ pool, store }, tenant, runId),
      );
      bar?.stop();
      if (swept._tag === 'Left') throw storeFailure(swept.left);
      const seconds = (performance.now() - started) / 1000;
      const summary = {
        tenant_id: tenantId,
        runs: swept.right,
        ...counts,
        seconds: Number(seconds.toFixed(3)),
        failed_runs: failures,
      };
      const text = [
        `runs: ${swept.right} in ${seconds.toFixed(1)} s${tenantId ? ` (tenant ${tenantId})` : ''}`,
        `verified: ${counts.verified} (of which completed but never sealed: ${counts.unsealed})`,
        `failed: ${counts.failed}`,
        ...failures.map((f) => `  ${f.tenant_id} ${f.run_id}: ${f.reason}`),
      ].join('\n');
      return { exitCode: counts.failed > 0 ? ExitCode.failed : ExitCode.ok, json: summary, text };
    });
  });

export const verifyAllCommand: CommandModule<object, Args> = {
  command: 'verify-all',
  describe:
    "prove every run (or one tenant's), streaming; summary of verified / failed / unsealed; exit 1 if any failed",
  builder: (yargs: Argv) => withJson(withTenant(yargs)) as unknown as Argv<Args>,
  handler,
};
