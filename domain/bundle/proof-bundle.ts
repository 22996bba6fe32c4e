import * as t from 'io-ts';
import { intBetween, patternString } from '../json/bounded-codecs.js';
import { canonicalBase64 } from '../json/canonical-base64.js';
import { closedObject } from '../json/closed-object.js';
import { JsonObjectC } from '../json/json-value.js';
import { KeyIdC, RunCheckpointC, SignatureC } from '../ledger/run-checkpoint.js';

export const BUNDLE_FORMAT = 'aos.runproof.bundle.v1';

const HashHexC = patternString('HashHex', /^[0-9a-f]{64}$/, '64 lowercase hex digits');
const Base64KeyC = canonicalBase64(
  'Ed25519PublicKey',
  32,
  'canonical base64 of a raw 32-byte Ed25519 public key',
);
const IndexC = intBetween(0, Number.MAX_SAFE_INTEGER);

export const BundleEventC = closedObject('BundleEvent', {
  seq: IndexC,
  type: t.string,
  data: JsonObjectC,
  recorded_at: t.string,
  link: t.union([HashHexC, t.null]),
});

const BundlePublicKeyC = closedObject('BundlePublicKey', {
  key_id: KeyIdC,
  algorithm: t.literal('Ed25519'),
  public_key: Base64KeyC,
});

/** Where the run's checkpoint sits in the tenant ledger: an RFC 9162 inclusion proof into the root
 * of a signed tree head (C2SP tlog-checkpoint note). */
const BundleLedgerC = closedObject('BundleLedger', {
  leaf_index: IndexC,
  tree_size: IndexC,
  inclusion_path: t.array(HashHexC),
  root_hash: HashHexC,
  tree_head: t.string,
});

const BASE64 = /^(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The seal's RFC 3161 time stamp: the base64 of the DER TimeStampToken over SHA-256 of the
 * seal's signature bytes (section 9). */
const BundleSealTimestampC = closedObject('BundleSealTimestamp', {
  token: patternString('TimestampToken', BASE64, 'base64 of a DER RFC 3161 TimeStampToken'),
});

/** docs/RUNPROOF-FORMAT.md's offline bundle: everything an auditor needs to reach `aos proof`'s
 * verdict on the events and the seal, with no database and no network. */
export const ProofBundleC = closedObject(
  'ProofBundle',
  {
    format: t.literal(BUNDLE_FORMAT),
    tenant_id: t.string,
    run_id: t.string,
    events: t.array(BundleEventC),
    integrity: closedObject('BundleIntegrity', {
      model: t.keyof({ HASH_CHAIN: null, MERKLE_TREE: null }),
      verification_status: t.keyof({ VERIFIED: null, FAILED: null, UNSUPPORTED: null }),
      chain_length: IndexC,
      root_hash: HashHexC,
      merkle_root: HashHexC,
    }),
    checkpoint: t.union([RunCheckpointC, t.null]),
    signature: t.union([SignatureC, t.null]),
    public_keys: t.array(BundlePublicKeyC),
    ledger: t.union([BundleLedgerC, t.null]),
    exported_at: t.string,
  },
  { seal_timestamp: BundleSealTimestampC },
);
export type ProofBundle = t.TypeOf<typeof ProofBundleC>;
export type BundleEvent = t.TypeOf<typeof BundleEventC>;
