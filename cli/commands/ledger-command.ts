import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { intBetween } from '../../domain/json/bounded-codecs.js';
import { TenantIdC } from '../../domain/run/identifiers.js';
import { usageError } from '../cli-failure.js';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { decodeIntegerOption, decodeOption } from '../input-validation.js';
import { withRuntime } from '../runtime.js';
import { withJson, withTenant } from './common-options.js';

type HeadArgs = { 'tenant-id'?: string; json: boolean };
type ConsistencyArgs = HeadArgs & { from?: string; to?: string };
const SizeC = intBetween(0, Number.MAX_SAFE_INTEGER);

const head = async (args: ArgumentsCamelCase<HeadArgs>) =>
  runAndPrint(args, async () => {
    const tenantId = decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
    const [
      { keysDirectoryOf, requireRunKeys },
      { readTenantLedger },
      { treeHeadBody, NOTE_KEY_NAME },
      { ledgerRoot },
      { toHex },
    ] = await Promise.all([
      import('../signing-keys.js'),
      import('../../application/ledger/read-tenant-ledger.js'),
      import('../../domain/ledger/tree-head.js'),
      import('../../domain/ledger/tenant-ledger.js'),
      import('../../domain/proof/sha256.js'),
    ]);
    const keys = await requireRunKeys(await keysDirectoryOf(process.env));
    return withRuntime(async ({ store }) => {
      const ledger = await readTenantLedger(store, tenantId);
      const note = keys.signer.signNote(treeHeadBody(tenantId, ledger), NOTE_KEY_NAME);
      return {
        exitCode: ExitCode.ok,
        json: {
          tenant_id: tenantId,
          tree_size: ledger.length,
          root_hash: toHex(ledgerRoot(ledger)),
          key_id: keys.signer.keyId,
          note,
        },
        text: note, // keep it: `aos ledger head --tenant-id T > head.note`, later `aos verify head.note`
      };
    });
  });

const consistency = async (args: ArgumentsCamelCase<ConsistencyArgs>) =>
  runAndPrint(args, async () => {
    const tenantId = decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
    const from = decodeIntegerOption(SizeC, 'from', args.from);
    const to = decodeIntegerOption(SizeC, 'to', args.to);
    if (from > to) throw usageError('from', `must not exceed --to (${from} > ${to})`);
    const [{ readTenantLedger }, { ledgerLeaves }, { consistencyProof }, { merkleTreeHash }, { toHex }] =
      await Promise.all([
        import('../../application/ledger/read-tenant-ledger.js'),
        import('../../domain/ledger/tenant-ledger.js'),
        import('../../domain/proof/merkle-proofs.js'),
        import('../../domain/proof/merkle-tree.js'),
        import('../../domain/proof/sha256.js'),
      ]);
    return withRuntime(async ({ store }) => {
      const ledger = await readTenantLedger(store, tenantId);
      if (to > ledger.length)
        throw usageError('to', `the ledger of tenant ${tenantId} holds ${ledger.length} seals`);
      const leaves = ledgerLeaves(ledger).slice(0, to);
      const proof = consistencyProof(leaves, from).map(toHex);
      const json = {
        tenant_id: tenantId,
        from,
        to,
        old_root: toHex(merkleTreeHash(leaves.slice(0, from))),
        new_root: toHex(merkleTreeHash(leaves)),
        proof,
      };
      return {
        exitCode: ExitCode.ok,
        json,
        text: [
          `from ${from}: ${json.old_root}`,
          `to ${to}: ${json.new_root}`,
          'consistency proof:',
          ...proof.map((h) => `  ${h}`),
        ].join('\n'),
      };
    });
  });

export const ledgerCommand: CommandModule = {
  command: 'ledger <action>',
  describe: "the tenant's ledger of sealed runs: signed tree heads and consistency proofs (RFC 9162, C2SP)",
  builder: (yargs: Argv) =>
    yargs
      .command({
        command: 'head',
        describe: 'print a signed tree head (C2SP tlog-checkpoint note) of the tenant ledger',
        builder: (y: Argv) => withJson(withTenant(y)),
        handler: head as never,
      })
      .command({
        command: 'consistency',
        describe: 'print the RFC 9162 consistency proof between two sizes of the tenant ledger',
        builder: (y: Argv) =>
          withJson(withTenant(y))
            .option('from', { type: 'string', describe: 'older tree size' })
            .option('to', { type: 'string', describe: 'newer tree size' }),
        handler: consistency as never,
      })
      .demandCommand(1),
  handler: () => undefined,
};
