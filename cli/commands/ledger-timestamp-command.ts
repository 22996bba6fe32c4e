import type { Argv, CommandModule } from 'yargs';
import type {
  TimestampSweep,
  TimestampSweepError,
} from '../../application/ledger/timestamp-missing-seals.js';
import { TenantIdC } from '../../domain/run/identifiers.js';
import { CliFailure, orThrow } from '../cli-failure.js';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { decodeOption } from '../input-validation.js';
import { shown } from '../terminal-text.js';
import { ledgerFailure } from '../use-case-failures.js';
import { storeFailure, withRuntime } from '../runtime.js';
import { withJson, withTenant, type ArgsOf, type OptionsOf } from './common-options.js';

const builder = (yargs: Argv) => withJson(withTenant(yargs));

const sweepLines = (
  sweep: TimestampSweep,
  describe: (e: TimestampSweep['unstamped'][number]['error']) => string,
) => [
  `tenant ${shown(sweep.tenant_id)}: ${sweep.stamped} seal(s) time-stamped now, ${sweep.unstamped.length} still without a time stamp`,
  ...sweep.unstamped.map(
    (u) => `  ledger index ${u.ledger_index} (run ${shown(u.run_id)}): ${describe(u.error)}`,
  ),
];

/** `aos-int ledger timestamp`: every seal without an RFC 3161 time stamp (of --tenant-id, or of
 * every tenant) asked of the TSA of AOS_TSA_URL again; exit 1 while one is still without. */
const handler = async (args: ArgsOf<typeof builder>) =>
  runAndPrint(args, async () => {
    const tenantId =
      args['tenant-id'] === undefined ? null : decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
    const [{ configuredTsa, tsaDeps }, { timestampMissingSeals }, { describeTimestampError }] =
      await Promise.all([
        import('../tsa-config.js'),
        import('../../application/ledger/timestamp-missing-seals.js'),
        import('../timestamp-after-sealing.js'),
      ]);
    const url = configuredTsa(process.env);
    if (url === null)
      throw new CliFailure(ExitCode.usage, 'invalid_input', 'AOS_TSA_URL: no TSA is configured');
    return withRuntime(async (runtime) => {
      const deps = { ...(await tsaDeps(runtime, url)), store: runtime.store };
      const tenants =
        tenantId !== null
          ? [tenantId]
          : runtime.catalog === null
            ? []
            : await runtime.catalog.tenantsPage(null, '', 100_000);
      const failure = (error: TimestampSweepError) =>
        error.kind === 'timestamps' ? storeFailure(error.error) : ledgerFailure(error);
      const sweeps: TimestampSweep[] = [];
      for (const tenant of tenants) sweeps.push(orThrow(failure)(await timestampMissingSeals(deps, tenant)));
      const complete = sweeps.every((s) => s.unstamped.length === 0);
      return {
        exitCode: complete ? ExitCode.ok : ExitCode.failed,
        json: {
          tenants: sweeps.map((s) => ({
            ...s,
            unstamped: s.unstamped.map((u) => ({ ...u, error: describeTimestampError(u.error) })),
          })),
        },
        text:
          sweeps.length === 0
            ? 'no tenant ledger'
            : sweeps.flatMap((s) => sweepLines(s, describeTimestampError)).join('\n'),
      };
    });
  });

export const ledgerTimestampCommand: CommandModule<object, OptionsOf<typeof builder>> = {
  command: 'timestamp',
  describe:
    'ask the TSA of AOS_TSA_URL again for the RFC 3161 time stamps seals do not have (of --tenant-id, or every tenant)',
  builder,
  handler,
};
