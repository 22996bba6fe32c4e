import type { StoredEvent } from '../../domain/ports/event-store.js';
import { BUNDLE_FORMAT, type ProofBundle } from '../../domain/bundle/proof-bundle.js';
import { type LedgerEntry, ledgerLeaves } from '../../domain/ledger/tenant-ledger.js';
import { NOTE_KEY_NAME, treeHeadBody } from '../../domain/ledger/tree-head.js';
import type { JsonObject } from '../../domain/json/json-value.js';
import { inclusionProof } from '../../domain/proof/merkle-proofs.js';
import { merkleTreeHash } from '../../domain/proof/merkle-tree.js';
import { toHex } from '../../domain/proof/sha256.js';
import type { RunProof } from '../proof/run-proof.js';
import type { RunKeys } from '../ports/run-keys.js';

const publicKey = (keyId: string, raw: Uint8Array) => ({
  key_id: keyId,
  algorithm: 'Ed25519' as const,
  public_key: Buffer.from(raw).toString('base64'),
});

/** The bundle's `integrity` member: the verdict's chain figures. */
export const bundleIntegrity = (integrity: RunProof['integrity']): ProofBundle['integrity'] => ({
  model: integrity.model,
  verification_status: integrity.verification_status,
  chain_length: integrity.chain_length,
  root_hash: integrity.root_hash ?? '',
  merkle_root: integrity.merkle_root ?? '',
});

/** The bundle of a proved run: its events, the verdict, its seal with the ledger inclusion proof
 * and a tree head signed now, and the public keys both were signed with. */
export const buildBundle = (
  proof: Pick<RunProof, 'tenant_id' | 'run_id' | 'integrity' | 'sealed'>,
  ledger: readonly LedgerEntry[],
  keys: RunKeys,
  exportedAt: string,
): Omit<ProofBundle, 'events'> => {
  const sealed = proof.sealed;
  const keyIds = new Set([keys.signer.keyId, ...(sealed ? [sealed.checkpoint.key_id] : [])]);
  const leaves = ledgerLeaves(ledger);
  const index = sealed
    ? ledger.findIndex((e) => e.index === sealed.ledger_index && e.checkpoint.run_id === proof.run_id)
    : -1;
  return {
    format: BUNDLE_FORMAT,
    tenant_id: proof.tenant_id,
    run_id: proof.run_id,
    integrity: bundleIntegrity(proof.integrity),
    checkpoint: sealed?.checkpoint ?? null,
    signature: sealed?.signature ?? null,
    public_keys: [...keyIds].flatMap((id) => {
      const raw = keys.knownKeys.get(id) ?? (id === keys.signer.keyId ? keys.signer.publicKey : undefined);
      return raw ? [publicKey(id, raw)] : [];
    }),
    ledger:
      sealed && index >= 0
        ? {
            leaf_index: index,
            tree_size: leaves.length,
            inclusion_path: inclusionProof(leaves, index).map(toHex),
            root_hash: toHex(merkleTreeHash(leaves)),
            tree_head: keys.signer.signNote(treeHeadBody(proof.tenant_id, ledger), NOTE_KEY_NAME),
          }
        : null,
    exported_at: exportedAt,
  };
};

/** A stored event as the bundle carries it. */
export const bundleEvent = (e: StoredEvent) => ({
  seq: e.seq,
  type: e.type,
  data: JSON.parse(e.dataCanonical) as JsonObject,
  recorded_at: e.recorded_at,
  link: e.link,
});
