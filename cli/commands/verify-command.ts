import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Argv, CommandModule } from 'yargs';
import { orThrow, usageError } from '../cli-failure.js';
import { runAndPrint, type CommandResult } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { divergenceLine } from '../run-proof-report.js';
import { shown } from '../terminal-text.js';
import { withJson, type ArgsOf, type OptionsOf } from './common-options.js';

const builder = (yargs: Argv) =>
  withJson(yargs)
    .positional('file', {
      type: 'string',
      describe: 'bundle.json from `aos export`, or a tree head note from `aos ledger head`',
    })
    .option('public-key', {
      type: 'string',
      array: true,
      describe:
        "a public key you trust (key record JSON, PEM, or base64 raw), repeatable (old and new key after a rotation); default: the bundle's own keys / AOS_KEYS_DIR",
    })
    .option('max-bytes', {
      type: 'string',
      describe:
        'the largest file read, in bytes (default 67108864, 64 MiB); larger files are refused before they are read',
    });

/** A bundle, offline: no database, no network. Its ids and whatever the verdict quotes of it are
 * `shown`: a bundle cannot draw a line of the report. */
const verifyBundleFile = async (document: unknown, pinned: readonly Uint8Array[]): Promise<CommandResult> => {
  const [{ verifyBundle }, depth] = await Promise.all([
    import('../../domain/bundle/bundle-verification.js'),
    import('../../domain/json/json-depth.js'),
  ]);
  // A bundle holds recorded values a few levels down (events → data → outcome → data).
  const tooDeep = depth.jsonDepthExcess(document, depth.MAX_JSON_DEPTH + depth.RECORD_ENVELOPE_DEPTH);
  if (tooDeep !== null) throw usageError('file', depth.describeJsonDepthExcess(tooDeep));
  const verdict = verifyBundle(document, pinned);
  const i = verdict.integrity;
  const lines = [
    `Bundle: ${shown(verdict.run_id ?? '?')} (tenant ${shown(verdict.tenant_id ?? '?')})`,
    `Integrity model: ${i.model}`,
    `Verification status: ${i.verification_status}`,
    `chain_length: ${i.chain_length}`,
    `root_hash: ${i.root_hash ?? '-'}`,
    `merkle_root: ${i.merkle_root ?? '-'}`,
    `seal: ${verdict.seal.status}${verdict.seal.key_id ? ` by key ${shown(verdict.seal.key_id)} (${verdict.key_trust === 'pinned' ? 'the trusted key' : 'key taken from the bundle; pass --public-key to pin it'})` : ''}`,
    ...(verdict.seal.late
      ? [
          `sealed late by ${shown(verdict.seal.late.by)} at ${shown(verdict.seal.sealed_at ?? '-')}${verdict.seal.late.reason ? ` (reason: ${shown(verdict.seal.late.reason)})` : ''}`,
        ]
      : []),
  ];
  if (i.failure_reason) lines.push(`failure_reason: ${shown(i.failure_reason)}`);
  if (i.divergence) lines.push(divergenceLine(i.divergence));
  return {
    exitCode: i.verification_status === 'VERIFIED' ? ExitCode.ok : ExitCode.failed,
    json: { kind: 'bundle', ...verdict },
    text: lines.join('\n'),
  };
};

/** A tree head the auditor kept: is the ledger as stored now an extension of it? */
const verifyTreeHead = async (text: string, pinned: readonly Uint8Array[]): Promise<CommandResult> => {
  const [
    { openTreeHead, checkLedgerConsistency },
    { keysDirectoryOf, loadKnownKeys },
    { withRuntime },
    { readTenantLedger },
    { runproofKeyId },
    { ledgerFailure },
    { describeMerkleProofError },
  ] = await Promise.all([
    import('../../domain/ledger/tree-head.js'),
    import('../signing-keys.js'),
    import('../runtime.js'),
    import('../../application/ledger/read-tenant-ledger.js'),
    import('../../domain/proof/ed25519-keys.js'),
    import('../use-case-failures.js'),
    import('../../domain/proof/merkle-proof-errors.js'),
  ]);
  const keys =
    pinned.length > 0
      ? new Map(pinned.map((key) => [runproofKeyId(key), key]))
      : await loadKnownKeys(await keysDirectoryOf(process.env));
  const head = openTreeHead(text, keys);
  if (E.isLeft(head)) {
    return {
      exitCode: ExitCode.failed,
      json: {
        kind: 'tree_head',
        consistent: false,
        reason: `the tree head does not verify: ${head.left.message}`,
      },
      text: `Tree head: FAILED (${shown(head.left.message)})`,
    };
  }
  return withRuntime(async ({ store }) => {
    const ledger = pipe(await readTenantLedger(store, head.right.tenant_id), orThrow(ledgerFailure));
    const result = checkLedgerConsistency(head.right, ledger);
    const json = {
      kind: 'tree_head',
      tenant_id: head.right.tenant_id,
      old_root: head.right.root_hash,
      signed_by: head.right.signed_by,
      ...result,
    };
    const textLines = [
      `Tenant ledger: ${shown(head.right.tenant_id)}`,
      `kept head: size ${result.old_size}, root ${head.right.root_hash}`,
      `current: size ${result.new_size}, root ${result.new_root}`,
      result.consistent
        ? 'Consistency: VERIFIED (RFC 9162 consistency proof checks out; no sealed run was removed or rewritten)'
        : `Consistency: FAILED (${shown(result.reason)}; ${shown(describeMerkleProofError(result.proof_failure))})`,
    ];
    return { exitCode: result.consistent ? ExitCode.ok : ExitCode.failed, json, text: textLines.join('\n') };
  });
};

const handler = async (args: ArgsOf<typeof builder>) =>
  runAndPrint(args, async () => {
    if (args.file === undefined || args.file === '')
      throw usageError(
        'file',
        'is required: a bundle from `aos export`, or a tree head from `aos ledger head`',
      );
    const { readVerifyInput } = await import('../verify-input-file.js');
    const input = readVerifyInput(args.file, args['max-bytes']);
    const { readPublicKeyFile } = await import('../public-key-file.js');
    const pinned = await Promise.all(
      (args['public-key'] ?? []).map((path) => readPublicKeyFile(String(path))),
    );
    return input.kind === 'bundle'
      ? verifyBundleFile(input.document, pinned)
      : verifyTreeHead(input.note, pinned);
  });

export const verifyCommand: CommandModule<object, OptionsOf<typeof builder>> = {
  command: 'verify [file]',
  describe:
    'verify a proof bundle offline (no database), or check that the tenant ledger still extends a tree head you kept',
  builder,
  handler,
};
