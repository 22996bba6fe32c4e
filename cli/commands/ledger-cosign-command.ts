import * as E from 'fp-ts/lib/Either.js';
import type { Argv, CommandModule } from 'yargs';
import type { CosignError, CosignResult } from '../../application/ledger/cosign-ledger-head.js';
import { TenantIdC } from '../../domain/run/identifiers.js';
import { CliFailure, orThrow } from '../cli-failure.js';
import { runAndPrint } from '../command-output.js';
import { uncosignedMessage } from '../cosign-after-sealing.js';
import { ExitCode } from '../exit-codes.js';
import { decodeOption } from '../input-validation.js';
import { shown } from '../terminal-text.js';
import { ledgerFailure } from '../use-case-failures.js';
import { storeFailure, withRuntime } from '../runtime.js';
import { withJson, withTenant, type ArgsOf, type OptionsOf } from './common-options.js';
import type { CommandBody } from '../lazy-command.js';
import { ledgerTimestampCommand } from './ledger-timestamp-command.js';

const builder = (yargs: Argv) => withJson(withTenant(yargs));

const resultLine = (result: CosignResult): string =>
  result.cosigned
    ? `tenant ${shown(result.tenant_id)}: tree head ${result.tree_size} cosigned by every witness`
    : uncosignedMessage(result);

/** `aos-int ledger cosign`: the current head of each tenant whose latest head is uncosigned (or of
 * the tenant given) sent again to the witnesses of AOS_WITNESSES_FILE; exit 1 while one is not
 * cosigned by all of them. */
const handler = async (args: ArgsOf<typeof builder>) =>
  runAndPrint(args, async () => {
    const tenantId =
      args['tenant-id'] === undefined ? null : decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
    const [{ configuredWitnesses, cosignDeps }, { keysDirectoryOf, requireRunKeys }, { cosignLedgerHead }] =
      await Promise.all([
        import('../witness-config.js'),
        import('../signing-keys.js'),
        import('../../application/ledger/cosign-ledger-head.js'),
      ]);
    const witnesses = configuredWitnesses(process.env);
    if (witnesses.length === 0)
      throw new CliFailure(ExitCode.usage, 'invalid_input', 'AOS_WITNESSES_FILE: no witness is configured');
    const keys = await requireRunKeys(await keysDirectoryOf(process.env));
    return withRuntime(async (runtime) => {
      const deps = await cosignDeps(runtime, keys, witnesses);
      const pending = await runtime.ledgerHeads.uncosigned(tenantId)();
      if (E.isLeft(pending)) throw storeFailure(pending.left);
      const tenants = tenantId === null ? pending.right.map((h) => h.tenant_id) : [tenantId];
      const results: CosignResult[] = [];
      const failure = (error: CosignError) =>
        error.kind === 'heads' ? storeFailure(error.error) : ledgerFailure(error);
      for (const tenant of tenants) results.push(orThrow(failure)(await cosignLedgerHead(deps, tenant)));
      const all = results.every((r) => r.cosigned);
      return {
        exitCode: all ? ExitCode.ok : ExitCode.failed,
        json: { heads: results },
        text: results.length === 0 ? 'no uncosigned tree head' : results.map(resultLine).join('\n'),
      };
    });
  });

export const ledgerCosignCommand: CommandBody<object> = {
  builder: (yargs: Argv) =>
    yargs
      .command({
        command: 'cosign',
        describe:
          'send the tree head of each tenant whose latest head is uncosigned (or of --tenant-id) to the witnesses again',
        builder,
        handler,
      } satisfies CommandModule<object, OptionsOf<typeof builder>>)
      .command(ledgerTimestampCommand)
      .demandCommand(1),
  handler: () => undefined,
};
