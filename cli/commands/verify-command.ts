import { statSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Argv } from 'yargs';
import { orThrow, usageError } from '../cli-failure.js';
import { runAndPrint, type CommandResult } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { divergenceLine } from '../run-proof-report.js';
import { shown } from '../terminal-text.js';
import { withJson, type ArgsOf, type OptionsOf } from './common-options.js';
import type { CommandBody } from '../lazy-command.js';
import type { BundleTrust, BundleVerdict } from '../../domain/bundle/bundle-verification.js';
import type { createBundleStreamVerifier } from '../../domain/bundle/bundle-stream-verification.js';
import type { WitnessPolicy } from '../../domain/witness/witness-policy.js';
import type { WitnessQuorum } from '../../domain/witness/witness-quorum.js';
import type { TsaCertificate } from '../../domain/timestamp/tsa-certificate.js';

const builder = (yargs: Argv) =>
  withJson(yargs)
    .positional('file', {
      type: 'string',
      describe:
        'bundle.json from `aos export`, a tree head note from `aos ledger head`, the JSON of `aos proof --step N --inclusion` or of `aos ledger consistency`; `-` reads standard input',
    })
    .option('public-key', {
      type: 'string',
      array: true,
      describe:
        'a public key you trust (key record JSON, PEM, or base64 raw), repeatable (old and new key after a rotation); the public keys of AOS_KEYS_DIR are trusted too',
    })
    .option('trusted-keys', {
      type: 'string',
      describe: 'a directory of public keys you trust (each file a key record JSON, PEM, or base64 raw)',
    })
    .option('trust-embedded-key', {
      type: 'boolean',
      default: false,
      describe:
        'trust the key the bundle itself carries (proves only that whoever holds that key sealed it); without it, a key must be given or be in AOS_KEYS_DIR/public-keys',
    })
    .option('witness-policy', {
      type: 'string',
      describe:
        'witnesses you trust and the quorum of them that must have cosigned the tree head (witness / group / quorum lines)',
    })
    .option('tsa-cert', {
      type: 'string',
      describe:
        "the TSA certificate (PEM) you trust for the seal's RFC 3161 time stamp: the token must be signed by it; without it, a token is parsed and matched to the seal but its signer is not checked",
    })
    .option('max-bytes', {
      type: 'string',
      describe:
        'the largest file read, in bytes; larger files are refused before they are read (default: none for a bundle file, which is streamed; 67108864, 64 MiB, for anything read whole)',
    });

/** A bundle, offline: no database, no network. Its ids and whatever the verdict quotes of it are
 * `shown`: a bundle cannot draw a line of the report. */
/** The report's line on the witnesses, when a policy was given. */
const witnessesLine = (quorum: WitnessQuorum): string =>
  `witnesses: ${quorum.met ? 'quorum met' : 'quorum NOT met'}, cosigned by ${quorum.cosigned_by.length === 0 ? 'none' : quorum.cosigned_by.map(shown).join(', ')} (quorum: ${shown(quorum.quorum)})`;

/** A bundle read whole (a document), or streamed (the stream verifier holding what it read). */
type BundleSource =
  | { readonly kind: 'document'; readonly document: unknown }
  | { readonly kind: 'streamed'; readonly bundle: StreamedBundle };

type StreamedBundle = ReturnType<typeof createBundleStreamVerifier>;

/** The bare verdict, the document (its members, when streamed) for the witness policy, and what
 * tells an observed run (its first RunObserved). */
const readBundle = async (source: BundleSource, trust: BundleTrust) => {
  const [{ verifyBundle }, depth] = await Promise.all([
    import('../../domain/bundle/bundle-verification.js'),
    import('../../domain/json/json-depth.js'),
  ]);
  if (source.kind === 'streamed') {
    const outcome = source.bundle.result(trust);
    if (outcome.kind === 'too_deep') throw usageError('file', depth.describeJsonDepthExcess(outcome.excess));
    const events = outcome.observed === null ? [] : [outcome.observed];
    return { bare: outcome.verdict, document: outcome.members as unknown, observed: { events } as unknown };
  }
  // A bundle holds recorded values a few levels down (events → data → outcome → data).
  const excess = depth.jsonDepthExcess(source.document, depth.MAX_JSON_DEPTH + depth.RECORD_ENVELOPE_DEPTH);
  if (excess !== null) throw usageError('file', depth.describeJsonDepthExcess(excess));
  return { bare: verifyBundle(source.document, trust), document: source.document, observed: source.document };
};

const verifyBundleFile = async (
  source: BundleSource,
  trust: BundleTrust,
  policy: WitnessPolicy | null,
  tsa: TsaCertificate | null,
): Promise<CommandResult> => {
  const [
    { NO_TRUSTED_KEY_HINT },
    { applyWitnessPolicy },
    { bundleObservation },
    { applySealTimestamp },
    { timestampLine },
  ] = await Promise.all([
    import('../verify-trust.js'),
    import('../../domain/bundle/bundle-witness-policy.js'),
    import('../../domain/bundle/bundle-observation.js'),
    import('../../domain/bundle/bundle-seal-timestamp.js'),
    import('../tsa-cert-file.js'),
  ]);
  const { bare, document, observed } = await readBundle(source, trust);
  const withPolicy: BundleVerdict & { readonly witnesses?: WitnessQuorum } =
    policy === null ? bare : applyWitnessPolicy(document, bare, policy);
  const verdict = applySealTimestamp(document, withPolicy, tsa);
  const i = verdict.integrity;
  const lines = [
    `Bundle: ${shown(verdict.run_id ?? '?')} (tenant ${shown(verdict.tenant_id ?? '?')})`,
    `Integrity model: ${i.model}`,
    `Verification status: ${i.verification_status}`,
    `chain_length: ${i.chain_length}`,
    `root_hash: ${i.root_hash ?? '-'}`,
    `merkle_root: ${i.merkle_root ?? '-'}`,
    `seal: ${verdict.seal.status}${verdict.seal.key_id ? ` by key ${shown(verdict.seal.key_id)} (${verdict.key_trust === 'pinned' ? 'the trusted key' : 'key taken from the bundle, as --trust-embedded-key said'})` : ''}`,
    ...(verdict.seal.late
      ? [
          `sealed late by ${shown(verdict.seal.late.by)} at ${shown(verdict.seal.sealed_at ?? '-')}${verdict.seal.late.reason ? ` (reason: ${shown(verdict.seal.late.reason)})` : ''}`,
        ]
      : []),
  ];
  const observation = bundleObservation(observed);
  if (observation !== null)
    lines.push(
      `observed: recorded from OpenTelemetry trace ${shown(observation.trace_id)} (service ${shown(observation.service_name)}) after its steps ran; no plan was stored before execution`,
    );
  if (verdict.witnesses) lines.push(witnessesLine(verdict.witnesses));
  if (verdict.seal_timestamp.status !== 'absent' || tsa !== null)
    lines.push(timestampLine(verdict.seal_timestamp));
  if (i.failure_reason) lines.push(`failure_reason: ${shown(i.failure_reason)}`);
  if (i.divergence) lines.push(divergenceLine(i.divergence));
  if (i.divergence?.field === 'public_keys' && verdict.key_trust === 'pinned')
    lines.push(`hint: ${NO_TRUSTED_KEY_HINT}`);
  return {
    exitCode: i.verification_status === 'VERIFIED' ? ExitCode.ok : ExitCode.failed,
    json: { kind: 'bundle', ...verdict, observation },
    text: lines.join('\n'),
  };
};

/** A tree head whose cosignatures do not meet the witness policy. */
const quorumNotMet = (witnesses: WitnessQuorum): CommandResult => ({
  exitCode: ExitCode.failed,
  json: { kind: 'tree_head', consistent: false, reason: witnesses.reason, witnesses },
  text: `Tree head: FAILED (${shown(witnesses.reason ?? '')})\n${witnessesLine(witnesses)}`,
});

/** A tree head the auditor kept: is the ledger as stored now an extension of it? */
const verifyTreeHead = async (
  text: string,
  trust: BundleTrust,
  policy: WitnessPolicy | null,
): Promise<CommandResult> => {
  const [
    { openTreeHead, checkLedgerConsistency },
    { withRuntime },
    { readTenantLedger },
    { runproofKeyId },
    { ledgerFailure },
    { describeMerkleProofError },
  ] = await Promise.all([
    import('../../domain/ledger/tree-head.js'),
    import('../runtime.js'),
    import('../../application/ledger/read-tenant-ledger.js'),
    import('../../domain/proof/ed25519-keys.js'),
    import('../use-case-failures.js'),
    import('../../domain/proof/merkle-proof-errors.js'),
  ]);
  const { witnessQuorum } = await import('../../domain/witness/witness-quorum.js');
  // A tree head carries no key of its own: --trust-embedded-key leaves nothing to trust.
  const pinned = trust === 'embedded' ? [] : trust instanceof Uint8Array ? [trust] : trust;
  const keys = new Map(pinned.map((key) => [runproofKeyId(key), key]));
  const head = openTreeHead(text, keys);
  const witnesses = policy === null ? null : witnessQuorum(text, policy);
  if (E.isRight(head) && witnesses !== null && !witnesses.met) return quorumNotMet(witnesses);
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
      ...(witnesses === null ? {} : { witnesses }),
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
    // yargs-parser reads a lone `-` as an empty value: the argument vector says whether it was `-`.
    const file = args.file === '' && process.argv.slice(2).includes('-') ? '-' : args.file;
    if (file === undefined || file === '')
      throw usageError(
        'file',
        'is required: a bundle from `aos export`, a tree head from `aos ledger head`, a proof from `aos proof --inclusion` or `aos ledger consistency`, or `-` for standard input',
      );
    const { readVerifyInput, verifyFileRefused, verifyMaxBytes } = await import('../verify-input-file.js');
    const { streamBundleFile } = await import('../verify-bundle-stream.js');
    // A bundle file is streamed; anything else (standard input, a note, a printed proof) read whole.
    // Streaming keeps memory flat whatever the file's size: no limit unless --max-bytes sets one.
    const streamLimit =
      args['max-bytes'] === undefined ? Number.MAX_SAFE_INTEGER : verifyMaxBytes(args['max-bytes']);
    const bar = await (await import('../progress-bar.js')).progressBar('verifying [{bar}] {percentage}%');
    if (file !== '-') bar.start(statSync(file, { throwIfNoEntry: false })?.size ?? 0);
    const streamed =
      file === '-' ? ({ kind: 'whole' } as const) : streamBundleFile(file, streamLimit, bar.update);
    bar.stop();
    if (streamed.kind === 'refused') throw verifyFileRefused(file, streamed.refusal);
    const input =
      streamed.kind === 'streamed'
        ? ({ kind: 'streamed', bundle: streamed.bundle } as const)
        : await readVerifyInput(file, args['max-bytes']);
    const { resolveVerifyTrust } = await import('../verify-trust.js');
    const trust = await resolveVerifyTrust({
      publicKeys: (args['public-key'] ?? []).map(String),
      trustedKeysDirectory: args['trusted-keys'],
      trustEmbeddedKey: args['trust-embedded-key'],
    });
    const { readWitnessPolicyFile } = await import('../witness-policy-file.js');
    const policyFile = args['witness-policy'];
    const policy = policyFile === undefined ? null : readWitnessPolicyFile(policyFile);
    const { readTsaCertFile } = await import('../tsa-cert-file.js');
    const tsa = args['tsa-cert'] === undefined ? null : readTsaCertFile(args['tsa-cert']);
    if (input.kind === 'tree_head') return verifyTreeHead(input.note, trust, policy);
    if (input.kind === 'streamed') return verifyBundleFile(input, trust, policy, tsa);
    if (input.kind === 'bundle')
      return verifyBundleFile({ kind: 'document', document: input.document }, trust, policy, tsa);
    if (policy !== null)
      throw usageError(
        'witness-policy',
        'applies to a bundle or a tree head, not to an inclusion or consistency proof',
      );
    const { verifyPrintedDocument } = await import('../verify-printed-document.js');
    return verifyPrintedDocument(input.kind, input.document, trust);
  });

export const verifyCommand: CommandBody<OptionsOf<typeof builder>> = {
  builder,
  handler,
};
