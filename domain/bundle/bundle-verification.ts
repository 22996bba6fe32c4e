import { createChainVerifier } from '../proof/chain-verifier.js';
import { runStreamId } from '../stream-names.js';
import * as E from 'fp-ts/lib/Either.js';
import { describeDecodeErrors } from '../json/decode-error.js';
import { checkSeal, type SealReport } from '../ledger/seal-verification.js';
import { runproofKeyId } from '../proof/ed25519-keys.js';
import { type Divergence, type RunIntegrity, type VerificationStatus } from '../proof/run-verification.js';
import { checkLedgerProof } from './bundle-ledger-proof.js';
import { bundleDivergence } from './bundle-divergence.js';
import { ProofBundleC, type ProofBundle } from './proof-bundle.js';
import { verifiableEvent } from './verifiable-bundle-event.js';

/** A bundle without its events (which are read one at a time). */
export type BundleSansEvents = Omit<ProofBundle, 'events'>;

/** A bundle's integrity: a run's, and `UNSEALED` for a bundle that carries no seal (its chain is
 * consistent, but nothing signed vouches for it: anyone could have made it). */
export type BundleIntegrity = Omit<RunIntegrity, 'verification_status'> & {
  readonly verification_status: VerificationStatus | 'UNSEALED';
};

/** Which keys the verdict may rest on: the raw public keys the auditor trusts (none trusted is a
 * failure naming the bundle's keys), or `embedded`, said explicitly: the bundle's own keys. */
export type BundleTrust = 'embedded' | Uint8Array | readonly Uint8Array[];

export type BundleVerdict = {
  readonly tenant_id: string | null;
  readonly run_id: string | null;
  readonly integrity: BundleIntegrity;
  readonly seal: SealReport;
  /** `pinned`: checked against the key the auditor supplied; `embedded`: the bundle's own key. */
  readonly key_trust: KeyTrust;
};

type KeyTrust = 'pinned' | 'embedded';

const noSeal: SealReport = { status: 'not_completed', key_id: null, ledger_index: null, sealed_at: null };
const emptyIntegrity: RunIntegrity = {
  model: 'HASH_CHAIN',
  verification_status: 'FAILED',
  chain_length: 0,
  root_hash: null,
  merkle_root: null,
  failure_reason: null,
  divergence: null,
};

const failed = (integrity: RunIntegrity, failure: Failure): BundleIntegrity => ({
  ...integrity,
  verification_status: failure.status ?? 'FAILED',
  failure_reason: failure.reason,
  divergence: failure.divergence,
});

/** A check that failed: why, where, what the seal was found to be by then, and the verdict when it
 * is not `FAILED`. */
type Failure = {
  readonly reason: string;
  readonly divergence: Divergence;
  readonly seal?: SealReport;
  readonly status?: 'UNSEALED';
};

/** The verdict on a document that does not decode as a bundle: its first problem, naming the field. */
export const malformedBundle = (problem: string, key_trust: KeyTrust): BundleVerdict => {
  const field = problem.split(':')[0] ?? 'bundle';
  return {
    tenant_id: null,
    run_id: null,
    seal: noSeal,
    key_trust,
    integrity: failed(emptyIntegrity, {
      reason: `the bundle is malformed: ${problem}`,
      divergence: bundleDivergence(field, 'valid aos.runproof.bundle.v1 field', problem),
    }),
  };
};

const sameKey = (a: Uint8Array, b: Uint8Array): boolean =>
  Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/** The bundle's keys the verdict may rest on: each key_id must be the id of its key; with pinned
 * keys, only the bundle's keys that are pinned, and at least one. */
const trustedKeys = (
  bundle: BundleSansEvents,
  pinnedKeys: readonly Uint8Array[] | 'embedded',
): E.Either<Failure, Map<string, Uint8Array>> => {
  if (pinnedKeys === 'embedded') return bundleKeys(bundle, []);
  if (pinnedKeys.length === 0) return E.left(noTrustedKey(bundle));
  return bundleKeys(bundle, pinnedKeys);
};

/** The keys the bundle itself names as its signers: the seal's and the tree head's. */
const embeddedKeyIds = (bundle: BundleSansEvents): string =>
  [...new Set([bundle.checkpoint?.key_id, ...bundle.public_keys.map((k) => k.key_id)])]
    .filter((id) => id !== undefined)
    .join(',');

const noTrustedKey = (bundle: BundleSansEvents): Failure => ({
  reason: `no key is trusted: the bundle is signed by key ${embeddedKeyIds(bundle)}, which only the bundle itself vouches for`,
  divergence: bundleDivergence('public_keys', 'a key trusted by the auditor', embeddedKeyIds(bundle)),
});

/** The bundle's keys, each checked against its key_id; with pinned keys, only those pinned, and at
 * least one. */
const bundleKeys = (
  bundle: BundleSansEvents,
  pinnedKeys: readonly Uint8Array[],
): E.Either<Failure, Map<string, Uint8Array>> => {
  const keys = new Map<string, Uint8Array>();
  for (const [i, key] of bundle.public_keys.entries()) {
    const raw = new Uint8Array(Buffer.from(key.public_key, 'base64'));
    if (runproofKeyId(raw) !== key.key_id)
      return E.left({
        reason: 'a public key does not match its key_id',
        divergence: bundleDivergence(`public_keys.${i}.key_id`, runproofKeyId(raw), key.key_id),
      });
    if (pinnedKeys.length === 0 || pinnedKeys.some((p) => sameKey(p, raw))) keys.set(key.key_id, raw);
  }
  if (pinnedKeys.length > 0 && keys.size === 0)
    return E.left({
      reason: 'the trusted public key is not the key of this bundle',
      divergence: bundleDivergence(
        'public_keys',
        pinnedKeys.map(runproofKeyId).join(','),
        bundle.public_keys.map((k) => k.key_id).join(','),
      ),
    });
  return E.right(keys);
};

/** Whether the bundle carries the seal it must: a bundle is evidence handed over by someone else,
 * so a completed run must come with its seal (or anyone could rewrite the events, recompute the
 * chain and drop the signature), and a run that never completed vouches for nothing a pinned key
 * could check. A run cut short of its seal carries the seal still: the seal check names the cut. */
const sealPresence = (bundle: BundleSansEvents, completed: boolean): Failure | null => {
  const unsealed = bundle.checkpoint === null && bundle.signature === null;
  if (completed && unsealed)
    return {
      reason: 'the run completed but the bundle carries no seal: nothing signed vouches for these events',
      divergence: { source: 'checkpoint', seq: null, field: 'checkpoint', expected: 'present', actual: null },
      seal: { ...noSeal, status: 'unsealed' },
      status: 'UNSEALED',
    };
  if (!completed && unsealed)
    return {
      reason: 'the run has not completed, so nothing in the bundle is signed: no key can vouch for it',
      divergence: {
        source: 'checkpoint',
        seq: null,
        field: 'checkpoint',
        expected: 'a sealed run',
        actual: 'not_completed',
      },
      status: 'UNSEALED',
    };
  if ((bundle.checkpoint === null) !== (bundle.signature === null))
    return {
      reason: 'checkpoint and signature must come together',
      divergence: bundleDivergence(bundle.checkpoint ? 'signature' : 'checkpoint', 'present', null),
    };
  return null;
};

/** The seal (section 6 of the format) against the chain the events give; a bundle cut short of
 * what its seal covers is named as such (N sealed, M present). */
const sealOfBundle = (
  bundle: BundleSansEvents,
  integrity: RunIntegrity,
  completed: boolean,
  keys: ReadonlyMap<string, Uint8Array>,
): { readonly seal: SealReport; readonly failure: Failure | null } => {
  const sealed =
    bundle.checkpoint && bundle.signature
      ? {
          checkpoint: bundle.checkpoint,
          signature: bundle.signature,
          ledger_index: bundle.ledger?.leaf_index ?? 0,
        }
      : null;
  const recomputed = {
    chain_length: integrity.chain_length,
    root_hash: integrity.root_hash ?? '',
    merkle_root: integrity.merkle_root ?? '',
    completed,
  };
  const check = checkSeal(bundle.tenant_id, bundle.run_id, recomputed, sealed, keys);
  if (!check.failure) return { seal: check.seal, failure: null };
  const sealedLength = bundle.checkpoint?.chain_length ?? 0;
  const cut = check.failure.divergence.field === 'chain_length' && integrity.chain_length < sealedLength;
  const reason = cut
    ? `the bundle holds ${integrity.chain_length} of the ${sealedLength} events its seal covers: events were removed after the run was sealed (${sealedLength} sealed, ${integrity.chain_length} present)`
    : check.failure.reason;
  return { seal: check.seal, failure: { reason, divergence: check.failure.divergence } };
};

/** The bundle's own claims (its integrity block) against what its events give. */
const claimsProblem = (bundle: BundleSansEvents, integrity: RunIntegrity): Failure | null => {
  for (const field of ['chain_length', 'root_hash', 'merkle_root'] as const) {
    if (bundle.integrity[field] !== integrity[field])
      return {
        reason: `the bundle's integrity.${field} is not what its events give`,
        divergence: bundleDivergence(`integrity.${field}`, integrity[field], bundle.integrity[field]),
      };
  }
  if (bundle.integrity.verification_status !== 'VERIFIED')
    return {
      reason: 'the bundle claims a verdict its events do not give',
      divergence: bundleDivergence(
        'integrity.verification_status',
        'VERIFIED',
        bundle.integrity.verification_status,
      ),
    };
  return null;
};

/** What the chain verifier found over a bundle's events, read one at a time. */
export type BundleChain = {
  readonly integrity: RunIntegrity;
  readonly event_count: number;
  readonly last_type: string | null;
};

/** The verdict on a decoded bundle whose events went through the chain verifier (`chain`), in the
 * order of docs/RUNPROOF-FORMAT.md section 9: the events, the seal's presence, the keys, the seal,
 * the ledger proof, the bundle's claims. */
export const verifyDecodedBundle = (
  bundle: BundleSansEvents,
  chain: BundleChain,
  trust: BundleTrust,
): BundleVerdict => {
  const pinnedKeys = trust === 'embedded' ? trust : trust instanceof Uint8Array ? [trust] : [...trust];
  const key_trust: KeyTrust = pinnedKeys === 'embedded' ? 'embedded' : 'pinned';
  const ids = { tenant_id: bundle.tenant_id, run_id: bundle.run_id, key_trust } as const;
  const verdict = (integrity: RunIntegrity, failure: Failure | null, seal: SealReport = noSeal) =>
    failure === null
      ? { ...ids, seal, integrity }
      : { ...ids, seal: failure.seal ?? seal, integrity: failed(integrity, failure) };
  if (chain.event_count === 0)
    return verdict(emptyIntegrity, {
      reason: 'the bundle has no events',
      divergence: bundleDivergence('events', 'at least RunCreated', 0),
    });
  const integrity = { ...chain.integrity, model: bundle.integrity.model };
  if (integrity.verification_status !== 'VERIFIED') return verdict(integrity, null);
  const completed = chain.last_type === 'RunCompleted';
  const presence = sealPresence(bundle, completed);
  if (presence) return verdict(integrity, presence);
  const keys = trustedKeys(bundle, pinnedKeys);
  if (E.isLeft(keys)) return verdict(integrity, keys.left);
  const { seal, failure } = sealOfBundle(bundle, integrity, completed, keys.right);
  if (failure) return verdict(integrity, failure, seal);
  const ledgerFailure = bundle.checkpoint ? checkLedgerProof(bundle, keys.right) : null;
  return verdict(integrity, ledgerFailure ?? claimsProblem(bundle, integrity), seal);
};

/** Verifies a bundle offline: RUNPROOF steps 1–3 on its events, step 5 on its checkpoint, the
 * checkpoint's inclusion in the signed tree head, and the bundle's own claims (integrity block,
 * key ids). `trust` is the raw public keys the auditor trusts (several: a run sealed before a
 * key rotation has its seal by the old key and the tree head by the new one; none fails), or
 * `embedded`: the bundle's keys taken as given (and the verdict says so). */
export const verifyBundle = (document: unknown, trust: BundleTrust): BundleVerdict => {
  const decoded = ProofBundleC.decode(document);
  if (E.isLeft(decoded))
    return malformedBundle(
      describeDecodeErrors(decoded.left)[0] ?? 'not a bundle',
      trust === 'embedded' ? 'embedded' : 'pinned',
    );
  const bundle: ProofBundle = decoded.right;
  const verifier = createChainVerifier(bundle.tenant_id, bundle.run_id, runStreamId(bundle.run_id));
  for (const e of bundle.events) verifier.push(verifiableEvent(bundle.tenant_id, bundle.run_id, e));
  const last = bundle.events[bundle.events.length - 1];
  return verifyDecodedBundle(
    bundle,
    { integrity: verifier.integrity(), event_count: bundle.events.length, last_type: last?.type ?? null },
    trust,
  );
};
