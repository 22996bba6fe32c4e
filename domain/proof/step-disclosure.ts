import { utf8 } from '../json/canonical-json.js';
import { leafHashOfBytes, leafText } from './leaf.js';
import { inclusionProof } from './merkle-proofs.js';
import { merkleTreeHash } from './merkle-tree.js';
import { toHex } from './sha256.js';
import type { VerifiableEvent } from './run-verification.js';

/** One step of a run disclosed without the others: its leaf and an RFC 9162 inclusion proof into
 * the run's MERKLE_TREE root. Any RFC 9162 verifier checks it from these fields alone. */
export type StepInclusion = {
  readonly step_index: number;
  /** The leaf's position in the run's tree: the event's seq. */
  readonly leaf_index: number;
  readonly tree_size: number;
  /** JCS of the leaf envelope (RUNPROOF.md "Leaves"), the exact UTF-8 bytes that are hashed. */
  readonly leaf_bytes: string;
  readonly leaf_hash: string;
  readonly inclusion_path: readonly string[];
  readonly merkle_root: string;
};

/** The inclusion proof of the StepExecuted event of `stepIndex`, or undefined when the run has no
 * such step. `events` are the run's events in seq order, already verified. */
export const discloseStep = (tenantId: string, runId: string, events: readonly VerifiableEvent[], stepIndex: number): StepInclusion | undefined => {
  const leafTexts = events.map((e) => leafText({ tenant_id: tenantId, run_id: runId, seq: e.seq, type: e.type, dataCanonical: e.dataCanonical, recorded_at: e.recorded_at }));
  const leaves = leafTexts.map((text) => leafHashOfBytes(utf8(text)));
  const index = events.findIndex((e) => e.type === 'StepExecuted' && (JSON.parse(e.dataCanonical) as { step_index?: unknown }).step_index === stepIndex);
  if (index < 0) return undefined;
  return {
    step_index: stepIndex,
    leaf_index: index,
    tree_size: leaves.length,
    leaf_bytes: leafTexts[index]!,
    leaf_hash: toHex(leaves[index]!),
    inclusion_path: inclusionProof(leaves, index).map(toHex),
    merkle_root: toHex(merkleTreeHash(leaves)),
  };
};
