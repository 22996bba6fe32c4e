import { verifyEventChain } from '../proof/chain-verifier.js';
import { runStreamId } from '../stream-names.js';
import * as E from 'fp-ts/lib/Either.js';
import { canonicalJson } from '../json/canonical-json.js';
import { describeDecodeErrors } from '../json/decode-error.js';
import type { JsonObject } from '../json/json-value.js';
import { checkSeal, type SealReport } from '../ledger/seal-verification.js';
import { runproofKeyId } from '../proof/ed25519-keys.js';
import { type Divergence, type RunIntegrity } from '../proof/run-verification.js';
import { checkLedgerProof } from './bundle-ledger-proof.js';
import { bundleDivergence } from './bundle-divergence.js';
import { ProofBundleC, type ProofBundle } from './proof-bundle.js';

export type BundleVerdict = {
  readonly tenant_id: string | null;
  readonly run_id: string | null;
  readonly integrity: RunIntegrity;
  readonly seal: SealReport;
  /** `pinned`: checked against the key the auditor supplied; `embedded`: the bundle's own key. */
  readonly key_trust: 'pinned' | 'embedded';
};

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

const failed = (integrity: RunIntegrity, reason: string, divergence: Divergence): RunIntegrity => ({
  ...integrity,
  verification_status: 'FAILED',
  failure_reason: reason,
  divergence,
});

/** Verifies a bundle offline: RUNPROOF steps 1–3 on its events, step 5 on its checkpoint, the
 * checkpoint's inclusion in the signed tree head, and the bundle's own claims (integrity block,
 * key ids). `pinnedKey` is the raw public key the auditor trusts; without it the bundle's keys are
 * taken as given (and the verdict says so). */
export const verifyBundle = (
  document: unknown,
  pinned: Uint8Array | readonly Uint8Array[] | null,
): BundleVerdict => {
  // Several pinned keys: the auditor trusts each (a run sealed before a key rotation has its seal
  // by the old key and the tree head by the new one).
  const pinnedKeys = pinned === null ? [] : pinned instanceof Uint8Array ? [pinned] : [...pinned];
  const key_trust = pinnedKeys.length > 0 ? 'pinned' : 'embedded';
  const decoded = ProofBundleC.decode(document);
  if (E.isLeft(decoded)) {
    const problem = describeDecodeErrors(decoded.left)[0] ?? 'not a bundle';
    const field = problem.split(':')[0] ?? 'bundle';
    return {
      tenant_id: null,
      run_id: null,
      seal: noSeal,
      key_trust,
      integrity: failed(
        emptyIntegrity,
        `the bundle is malformed: ${problem}`,
        bundleDivergence(field, 'valid aos.runproof.bundle.v1 field', problem),
      ),
    };
  }
  const bundle: ProofBundle = decoded.right;
  const ids = { tenant_id: bundle.tenant_id, run_id: bundle.run_id, key_trust } as const;
  const events = bundle.events.map((e) => ({
    stream_id: runStreamId(bundle.run_id),
    tenant_id: bundle.tenant_id,
    seq: e.seq,
    type: e.type,
    dataCanonical: canonicalJson(e.data as JsonObject),
    recorded_at: e.recorded_at,
    link: e.link,
  }));
  if (events.length === 0)
    return {
      ...ids,
      seal: noSeal,
      integrity: failed(
        emptyIntegrity,
        'the bundle has no events',
        bundleDivergence('events', 'at least RunCreated', 0),
      ),
    };
  const { integrity: chained } = verifyEventChain(
    bundle.tenant_id,
    bundle.run_id,
    runStreamId(bundle.run_id),
    events,
  );
  const integrity = { ...chained, model: bundle.integrity.model };
  if (integrity.verification_status !== 'VERIFIED') return { ...ids, seal: noSeal, integrity };

  // The bundle's keys: each key_id must be the id of its key; a pinned key must be among them.
  const keys = new Map<string, Uint8Array>();
  for (const [i, key] of bundle.public_keys.entries()) {
    const raw = new Uint8Array(Buffer.from(key.public_key, 'base64'));
    if (runproofKeyId(raw) !== key.key_id)
      return {
        ...ids,
        seal: noSeal,
        integrity: failed(
          integrity,
          'a public key does not match its key_id',
          bundleDivergence(`public_keys.${i}.key_id`, runproofKeyId(raw), key.key_id),
        ),
      };
    if (
      pinnedKeys.length === 0 ||
      pinnedKeys.some((p) => Buffer.compare(Buffer.from(p), Buffer.from(raw)) === 0)
    )
      keys.set(key.key_id, raw);
  }
  if (pinnedKeys.length > 0 && keys.size === 0) {
    return {
      ...ids,
      seal: noSeal,
      integrity: failed(
        integrity,
        'the trusted public key is not the key of this bundle',
        bundleDivergence(
          'public_keys',
          pinnedKeys.map(runproofKeyId).join(','),
          bundle.public_keys.map((k) => k.key_id).join(','),
        ),
      ),
    };
  }

  const completed = events[events.length - 1]?.type === 'RunCompleted';
  // A bundle is evidence handed over by someone else: a completed run must come with its seal, or
  // anyone could rewrite the events, recompute the chain and drop the signature.
  if (completed && bundle.checkpoint === null && bundle.signature === null) {
    return {
      ...ids,
      seal: { ...noSeal, status: 'unsealed' },
      integrity: failed(
        integrity,
        'the run completed but the bundle carries no seal: nothing signed vouches for these events',
        { source: 'checkpoint', seq: null, field: 'checkpoint', expected: 'present', actual: null },
      ),
    };
  }
  // A run cut short of its seal (events removed from the end) carries the seal still: the seal
  // check names that (N sealed, M present). Only a bundle with no seal at all has nothing signed.
  if (!completed && pinnedKeys.length > 0 && bundle.checkpoint === null && bundle.signature === null) {
    return {
      ...ids,
      seal: noSeal,
      integrity: failed(
        integrity,
        'the run has not completed, so nothing in the bundle is signed: the trusted key cannot vouch for it',
        {
          source: 'checkpoint',
          seq: null,
          field: 'checkpoint',
          expected: 'a sealed run',
          actual: 'not_completed',
        },
      ),
    };
  }
  if ((bundle.checkpoint === null) !== (bundle.signature === null)) {
    return {
      ...ids,
      seal: noSeal,
      integrity: failed(
        integrity,
        'checkpoint and signature must come together',
        bundleDivergence(bundle.checkpoint ? 'signature' : 'checkpoint', 'present', null),
      ),
    };
  }
  const sealed =
    bundle.checkpoint && bundle.signature
      ? {
          checkpoint: bundle.checkpoint,
          signature: bundle.signature,
          ledger_index: bundle.ledger?.leaf_index ?? 0,
        }
      : null;
  const sealCheck = checkSeal(
    bundle.tenant_id,
    bundle.run_id,
    {
      chain_length: integrity.chain_length,
      root_hash: integrity.root_hash ?? '',
      merkle_root: integrity.merkle_root ?? '',
      completed,
    },
    sealed,
    keys,
  );
  if (sealCheck.failure) {
    const sealedLength = bundle.checkpoint?.chain_length ?? 0;
    const cut =
      sealCheck.failure.divergence.field === 'chain_length' && integrity.chain_length < sealedLength;
    const reason = cut
      ? `the bundle holds ${integrity.chain_length} of the ${sealedLength} events its seal covers: events were removed after the run was sealed (${sealedLength} sealed, ${integrity.chain_length} present)`
      : sealCheck.failure.reason;
    return {
      ...ids,
      seal: sealCheck.seal,
      integrity: failed(integrity, reason, sealCheck.failure.divergence),
    };
  }

  const ledgerFailure = bundle.checkpoint ? checkLedgerProof(bundle, keys) : null;
  if (ledgerFailure)
    return {
      ...ids,
      seal: sealCheck.seal,
      integrity: failed(integrity, ledgerFailure.reason, ledgerFailure.divergence),
    };

  for (const field of ['chain_length', 'root_hash', 'merkle_root'] as const) {
    if (bundle.integrity[field] !== integrity[field]) {
      return {
        ...ids,
        seal: sealCheck.seal,
        integrity: failed(
          integrity,
          `the bundle's integrity.${field} is not what its events give`,
          bundleDivergence(`integrity.${field}`, integrity[field], bundle.integrity[field]),
        ),
      };
    }
  }
  if (bundle.integrity.verification_status !== 'VERIFIED') {
    return {
      ...ids,
      seal: sealCheck.seal,
      integrity: failed(
        integrity,
        'the bundle claims a verdict its events do not give',
        bundleDivergence('integrity.verification_status', 'VERIFIED', bundle.integrity.verification_status),
      ),
    };
  }
  return { ...ids, seal: sealCheck.seal, integrity };
};
