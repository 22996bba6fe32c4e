import * as E from 'fp-ts/lib/Either.js';
import { checkpointBytes } from '../ledger/run-checkpoint.js';
import { openTreeHead } from '../ledger/tree-head.js';
import { leafHashOfBytes } from '../proof/leaf.js';
import { describeMerkleProofError } from '../proof/merkle-proof-errors.js';
import { verifyInclusion } from '../proof/merkle-proofs.js';
import type { Divergence } from '../proof/run-verification.js';
import { fromHex } from '../proof/sha256.js';
import { bundleDivergence } from './bundle-divergence.js';
import type { ProofBundle } from './proof-bundle.js';

/** Step 4 of an offline verification: the checkpoint's RFC 9162 inclusion proof reaches the
 * ledger root, and the bundle's tree head is a note signed by a known key whose tenant, size and
 * root are the bundle's. Null when all holds. */
export const checkLedgerProof = (
  bundle: Omit<ProofBundle, 'events'>,
  keys: ReadonlyMap<string, Uint8Array>,
): { reason: string; divergence: Divergence } | null => {
  const ledger = bundle.ledger;
  if (ledger === null || bundle.checkpoint === null)
    return {
      reason: "a sealed run's bundle must carry its ledger inclusion proof",
      divergence: bundleDivergence('ledger', 'present', null),
    };
  const leaf = leafHashOfBytes(checkpointBytes(bundle.checkpoint));
  const included = verifyInclusion(
    leaf,
    ledger.leaf_index,
    ledger.tree_size,
    ledger.inclusion_path.map(fromHex),
    fromHex(ledger.root_hash),
  );
  if (E.isLeft(included)) {
    return {
      reason: `the checkpoint is not included in the ledger root by this proof: ${describeMerkleProofError(included.left)}`,
      divergence: {
        source: 'checkpoint',
        seq: null,
        field: 'ledger.inclusion_path',
        expected: ledger.root_hash,
        actual: 'proof does not reach it',
      },
    };
  }
  const head = openTreeHead(ledger.tree_head, keys);
  if (E.isLeft(head))
    return {
      reason: `the tree head does not verify: ${head.left.message}`,
      divergence: {
        source: 'checkpoint',
        seq: null,
        field: 'ledger.tree_head',
        expected: 'a note signed by a known key',
        actual: head.left.kind,
      },
    };
  const expected = { tenant_id: bundle.tenant_id, tree_size: ledger.tree_size, root_hash: ledger.root_hash };
  for (const field of ['tenant_id', 'tree_size', 'root_hash'] as const) {
    if (head.right[field] !== expected[field])
      return {
        reason: `the signed tree head's ${field} differs from the bundle's ledger proof`,
        divergence: {
          source: 'checkpoint',
          seq: null,
          field: `ledger.tree_head.${field}`,
          expected: expected[field],
          actual: head.right[field],
        },
      };
  }
  return null;
};
