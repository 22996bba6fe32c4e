import { pipe } from 'fp-ts/lib/function.js';
import type { Argv } from 'yargs';
import { intBetween } from '../../domain/json/bounded-codecs.js';
import { TenantIdC } from '../../domain/run/identifiers.js';
import { orThrow, usageError } from '../cli-failure.js';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { decodeIntegerOption, decodeOption } from '../input-validation.js';
import { withRuntime } from '../runtime.js';
import { ledgerFailure } from '../use-case-failures.js';
import { withJson, withTenant, type ArgsOf } from './common-options.js';
import type { CommandBody } from '../lazy-command.js';

const headOptions = (yargs: Argv) => withJson(withTenant(yargs));
const consistencyOptions = (yargs: Argv) =>
  withJson(withTenant(yargs))
    .option('from', { type: 'string', describe: 'older tree size' })
    .option('to', { type: 'string', describe: "newer tree size (default: the ledger's size now)" });
const SizeC = intBetween(0, Number.MAX_SAFE_INTEGER);

const head = async (args: ArgsOf<typeof headOptions>) =>
  runAndPrint(args, async () => {
    const tenantId = decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
    const [{ keysDirectoryOf, requireRunKeys }, { ledgerHead }] = await Promise.all([
      import('../signing-keys.js'),
      import('../../application/ledger/ledger-head.js'),
    ]);
    const keys = await requireRunKeys(await keysDirectoryOf(process.env));
    return withRuntime(async ({ store, ledgerHeads }) => {
      const head = pipe(await ledgerHead(store, keys, tenantId, ledgerHeads), orThrow(ledgerFailure));
      // The text is the note alone: `aos ledger head --tenant-id T > head.note`, later `aos verify head.note`.
      return { exitCode: ExitCode.ok, json: head, text: head.note };
    });
  });

const consistency = async (args: ArgsOf<typeof consistencyOptions>) =>
  runAndPrint(args, async () => {
    const tenantId = decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
    const from = decodeIntegerOption(SizeC, 'from', args.from);
    const to = args.to === undefined ? undefined : decodeIntegerOption(SizeC, 'to', args.to);
    if (to !== undefined && from > to) throw usageError('from', `must not exceed --to (${from} > ${to})`);
    const [{ keysDirectoryOf, requireRunKeys }, { ledgerConsistency }] = await Promise.all([
      import('../signing-keys.js'),
      import('../../application/ledger/ledger-consistency.js'),
    ]);
    // The heads of both sizes are signed, so `aos verify` checks the proof offline.
    const keys = await requireRunKeys(await keysDirectoryOf(process.env));
    return withRuntime(async ({ store }) => {
      const json = pipe(
        await ledgerConsistency(store, keys, tenantId, from, to),
        orThrow((error) =>
          error.kind === 'beyond_ledger'
            ? usageError(error.size, `the ledger of tenant ${tenantId} holds ${error.tree_size} seals`)
            : ledgerFailure(error),
        ),
      );
      return {
        exitCode: ExitCode.ok,
        json,
        text: [
          `from ${json.from}: ${json.old_root}`,
          `to ${json.to}: ${json.new_root}`,
          'consistency proof:',
          ...json.proof.map((h) => `  ${h}`),
        ].join('\n'),
      };
    });
  });

export const ledgerCommand: CommandBody<object> = {
  builder: (yargs: Argv) =>
    yargs
      .command({
        command: 'head',
        describe: 'print a signed tree head (C2SP tlog-checkpoint note) of the tenant ledger',
        builder: headOptions,
        handler: head,
      })
      .command({
        command: 'consistency',
        describe: 'print the RFC 9162 consistency proof between two sizes of the tenant ledger',
        builder: consistencyOptions,
        handler: consistency,
      })
      .demandCommand(1),
  handler: () => undefined,
};
