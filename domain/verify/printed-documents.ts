import * as t from 'io-ts';
import { intBetween, patternString } from '../json/bounded-codecs.js';
import { canonicalBase64 } from '../json/canonical-base64.js';
import { closedObject } from '../json/closed-object.js';
import { KeyIdC, RunCheckpointC, SignatureC } from '../ledger/run-checkpoint.js';

/** The `format` of `aos proof --step N --inclusion --json`. */
export const STEP_INCLUSION_FORMAT = 'aos.runproof.step-inclusion.v1';
/** The `format` of `aos ledger consistency --json`. */
export const LEDGER_CONSISTENCY_FORMAT = 'aos.runproof.ledger-consistency.v1';

const HashHexC = patternString('HashHex', /^[0-9a-f]{64}$/, '64 lowercase hex digits');
const SizeC = intBetween(0, Number.MAX_SAFE_INTEGER);

/** A public key a printed document names as its signer (the auditor still decides to trust it). */
const DocumentPublicKeyC = closedObject('DocumentPublicKey', {
  key_id: KeyIdC,
  algorithm: t.literal('Ed25519'),
  public_key: canonicalBase64('Ed25519PublicKey', 32, 'canonical base64 of a raw 32-byte Ed25519 public key'),
});

const DocumentIntegrityC = t.type({
  model: t.string,
  verification_status: t.string,
  chain_length: SizeC,
  root_hash: t.union([t.string, t.null]),
  merkle_root: t.union([t.string, t.null]),
});

/** `aos proof --step N --inclusion --json`: one step's leaf, its RFC 9162 inclusion proof into the
 * run's Merkle root, the run's seal over that root, and the key the seal names. The proof's own
 * fields (`integrity`: its divergence, failure reason) are carried as printed. */
export const StepInclusionDocumentC = closedObject('StepInclusionDocument', {
  format: t.literal(STEP_INCLUSION_FORMAT),
  run_id: t.string,
  tenant_id: t.string,
  integrity: DocumentIntegrityC,
  inclusion: closedObject('StepInclusion', {
    step_index: SizeC,
    leaf_index: SizeC,
    tree_size: SizeC,
    leaf_bytes: t.string,
    leaf_hash: HashHexC,
    inclusion_path: t.array(HashHexC),
    merkle_root: HashHexC,
  }),
  checkpoint: t.union([RunCheckpointC, t.null]),
  signature: t.union([SignatureC, t.null]),
  public_keys: t.array(DocumentPublicKeyC),
});
export type StepInclusionDocument = t.TypeOf<typeof StepInclusionDocumentC>;

/** `aos ledger consistency --json`: the RFC 9162 consistency proof between two sizes of a tenant
 * ledger, with a tree head of each size signed by the log, and the key that signed them. */
export const LedgerConsistencyDocumentC = closedObject('LedgerConsistencyDocument', {
  format: t.literal(LEDGER_CONSISTENCY_FORMAT),
  tenant_id: t.string,
  from: SizeC,
  to: SizeC,
  old_root: HashHexC,
  new_root: HashHexC,
  proof: t.array(HashHexC),
  old_head: t.string,
  new_head: t.string,
  key_id: KeyIdC,
  public_keys: t.array(DocumentPublicKeyC),
});
export type LedgerConsistencyDocument = t.TypeOf<typeof LedgerConsistencyDocumentC>;

/** How a printed document lists a public key. */
export const documentPublicKey = (keyId: string, raw: Uint8Array): t.TypeOf<typeof DocumentPublicKeyC> => ({
  key_id: keyId,
  algorithm: 'Ed25519',
  public_key: Buffer.from(raw).toString('base64'),
});
