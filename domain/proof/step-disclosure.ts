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
  /** JCS of the leaf envelope (docs/RUNPROOF-FORMAT.md "Leaves"), the exact UTF-8 bytes that are hashed. */
  readonly leaf_bytes: string;
  readonly leaf_hash: string;
  readonly inclusion_path: readonly string[];
  readonly merkle_root: string;
};

/** Collects what disclosing one step needs while the run's events go by in seq order: every
 * leaf hash (32 bytes per event) and the leaf text of that step's StepExecuted only. */
export const createStepDiscloser = (tenantId: string, runId: string, stepIndex: number) => {
  const leaves: Uint8Array[] = [];
  let found: { index: number; text: string } | null = null;
  return {
    push: (e: VerifiableEvent): void => {
      const text = leafText({
        tenant_id: tenantId,
        run_id: runId,
        seq: e.seq,
        type: e.type,
        dataCanonical: e.dataCanonical,
        recorded_at: e.recorded_at,
      });
      if (
        found === null &&
        e.type === 'StepExecuted' &&
        (JSON.parse(e.dataCanonical) as { step_index?: unknown }).step_index === stepIndex
      ) {
        found = { index: leaves.length, text };
      }
      leaves.push(leafHashOfBytes(utf8(text)));
    },
    /** The inclusion proof, or undefined when the run has no such step. */
    result: (): StepInclusion | undefined => {
      const step = found as { index: number; text: string } | null;
      if (step === null) return undefined;
      return {
        step_index: stepIndex,
        leaf_index: step.index,
        tree_size: leaves.length,
        leaf_bytes: step.text,
        leaf_hash: toHex(leaves[step.index]!),
        inclusion_path: inclusionProof(leaves, step.index).map(toHex),
        merkle_root: toHex(merkleTreeHash(leaves)),
      };
    },
  };
};
