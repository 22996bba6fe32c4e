import { verifyEd25519 } from '../proof/ed25519-keys.js';
import type { Divergence } from '../proof/run-verification.js';
import type { LateSeal } from './late-seal.js';
import { checkpointBytes, type RunCheckpoint } from './run-checkpoint.js';

/** A seal as found in the tenant's ledger. */
export type FoundSeal = {
  readonly checkpoint: RunCheckpoint;
  readonly signature: string;
  readonly ledger_index: number;
};

export type SealReport = {
  /** `sealed`: a valid seal covers the run; `unsealed`: the run completed and was never sealed;
   * `not_completed`: nothing to seal yet. */
  readonly status: 'sealed' | 'unsealed' | 'not_completed';
  readonly key_id: string | null;
  readonly ledger_index: number | null;
  readonly sealed_at: string | null;
  /** Present only for a seal made after the run's completion, by an operator: who, and why. */
  readonly late?: LateSeal;
};

/** The report of a seal found in the ledger (whether it checks out or not). */
export const foundSealReport = (checkpoint: RunCheckpoint, ledgerIndex: number): SealReport => ({
  status: 'sealed',
  key_id: checkpoint.key_id,
  ledger_index: ledgerIndex,
  sealed_at: checkpoint.sealed_at,
  ...(checkpoint.late ? { late: checkpoint.late } : {}),
});

/** Why a completed run without a seal fails: its seal is appended with its completion. */
export const MISSING_SEAL_REASON =
  'the run completed but the tenant ledger holds no seal of it: a run is sealed with its completion, so its seal was removed, or the run completed before that rule and was never sealed late';

/** What replay recomputed from the events as stored. */
export type RecomputedChain = {
  readonly chain_length: number;
  readonly root_hash: string;
  readonly merkle_root: string;
  readonly completed: boolean;
};

export type SealCheck = {
  readonly seal: SealReport;
  readonly failure: { readonly reason: string; readonly divergence: Divergence } | null;
};

const fail = (
  seal: SealReport,
  reason: string,
  field: string,
  expected: string | number | null,
  actual: string | number | null,
  seq: number | null = null,
): SealCheck => ({
  seal,
  failure: { reason, divergence: { source: 'checkpoint', seq, field, expected, actual } },
});

/** Whether a seal's signature verifies with a known key: null when it does, else what is wrong
 * and the field at fault. */
export const sealSignatureProblem = (
  found: Pick<FoundSeal, 'checkpoint' | 'signature'>,
  knownKeys: ReadonlyMap<string, Uint8Array>,
): { readonly reason: string; readonly field: string } | null => {
  const key = knownKeys.get(found.checkpoint.key_id);
  if (key === undefined)
    return {
      reason: `the seal is signed by key ${found.checkpoint.key_id}, which is not among the known public keys`,
      field: 'checkpoint.key_id',
    };
  if (
    !verifyEd25519(
      key,
      checkpointBytes(found.checkpoint),
      new Uint8Array(Buffer.from(found.signature, 'base64')),
    )
  ) {
    return {
      reason: 'the seal signature does not verify: the checkpoint or its signature was altered',
      field: 'signature',
    };
  }
  return null;
};

/** No seal found: a completed run fails for want of it (it is sealed with its completion), a run
 * not completed has nothing to seal yet. */
const noSealCheck = (completed: boolean): SealCheck => {
  const none = { key_id: null, ledger_index: null, sealed_at: null };
  return completed
    ? fail({ status: 'unsealed', ...none }, MISSING_SEAL_REASON, 'checkpoint', 'present', null)
    : { seal: { status: 'not_completed', ...none }, failure: null };
};

/** Whether the seal is this run's, in this tenant, signed by a known key: null when it is. */
const sealIdentityProblem = (
  tenantId: string,
  runId: string,
  found: FoundSeal,
  seal: SealReport,
  knownKeys: ReadonlyMap<string, Uint8Array>,
): SealCheck | null => {
  const { checkpoint } = found;
  if (checkpoint.tenant_id !== tenantId)
    return fail(
      seal,
      'the seal names another tenant',
      'checkpoint.tenant_id',
      tenantId,
      checkpoint.tenant_id,
    );
  if (checkpoint.run_id !== runId)
    return fail(seal, 'the seal names another run', 'checkpoint.run_id', runId, checkpoint.run_id);
  const signature = sealSignatureProblem(found, knownKeys);
  if (signature === null) return null;
  return signature.field === 'signature'
    ? fail(seal, signature.reason, 'signature', 'valid Ed25519 signature', found.signature)
    : fail(seal, signature.reason, 'checkpoint.key_id', 'a known key', checkpoint.key_id);
};

/** Whether the chain recomputed from the stored events is the one the seal commits to (length,
 * root, Merkle root): null when it is. */
const sealedChainProblem = (
  checkpoint: RunCheckpoint,
  recomputed: RecomputedChain,
  seal: SealReport,
): SealCheck | null => {
  if (recomputed.chain_length !== checkpoint.chain_length) {
    const change = recomputed.chain_length < checkpoint.chain_length ? 'removed' : 'added';
    const reason = `events were ${change} after the run was sealed (${checkpoint.chain_length} sealed, ${recomputed.chain_length} stored)`;
    const seq = Math.min(recomputed.chain_length, checkpoint.chain_length);
    return fail(seal, reason, 'chain_length', checkpoint.chain_length, recomputed.chain_length, seq);
  }
  if (recomputed.root_hash !== checkpoint.root_hash)
    return fail(
      seal,
      'the events no longer hash to the sealed root: history was rewritten, links recomputed',
      'root_hash',
      checkpoint.root_hash,
      recomputed.root_hash,
    );
  if (recomputed.merkle_root !== checkpoint.merkle_root)
    return fail(
      seal,
      'the events no longer hash to the sealed Merkle root',
      'merkle_root',
      checkpoint.merkle_root,
      recomputed.merkle_root,
    );
  return null;
};

/** Step 5 of docs/RUNPROOF-FORMAT.md: a completed run has a seal, the seal's signature verifies
 * with a known key, and its checkpoint equals the chain recomputed from the stored events
 * (length, root, Merkle root). A run not completed has nothing to seal yet. `knownKeys` maps
 * key_id to the raw 32-byte public key. */
export const checkSeal = (
  tenantId: string,
  runId: string,
  recomputed: RecomputedChain,
  found: FoundSeal | null,
  knownKeys: ReadonlyMap<string, Uint8Array>,
): SealCheck => {
  if (found === null) return noSealCheck(recomputed.completed);
  const seal = foundSealReport(found.checkpoint, found.ledger_index);
  return (
    sealIdentityProblem(tenantId, runId, found, seal, knownKeys) ??
    sealedChainProblem(found.checkpoint, recomputed, seal) ?? { seal, failure: null }
  );
};
