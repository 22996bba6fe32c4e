import { canonicalJson } from '../json/canonical-json.js';
import type { NewEvent } from '../ports/event-store.js';
import type { Signer } from '../ports/signing-keys.js';
import type { LateSeal } from './late-seal.js';
import { RUN_SEALED, checkpointBytes, type RunCheckpoint, type RunSealed } from './run-checkpoint.js';

/** What a seal commits to of a run: its chain as its sealer computed it. */
export type SealedChain = {
  readonly tenant_id: string;
  readonly run_id: string;
  readonly chain_length: number;
  readonly root_hash: string;
  readonly merkle_root: string;
};

/** The run's checkpoint (docs/RUNPROOF-FORMAT.md section 6) signed with `signer`, sealed at
 * `sealedAt`; `late` for a seal made after the run's completion, by an operator. */
export const signedSeal = (
  chain: SealedChain,
  signer: Signer,
  sealedAt: string,
  late?: LateSeal,
): RunSealed => {
  const checkpoint: RunCheckpoint = {
    v: 1,
    kind: 'aos.runproof.checkpoint',
    tenant_id: chain.tenant_id,
    run_id: chain.run_id,
    chain_length: chain.chain_length,
    root_hash: chain.root_hash,
    merkle_root: chain.merkle_root,
    sealed_at: sealedAt,
    key_id: signer.keyId,
    ...(late ? { late } : {}),
  };
  const signature = Buffer.from(signer.sign(checkpointBytes(checkpoint))).toString('base64');
  return { checkpoint, signature };
};

/** The seal as the tenant ledger's event: `recorded_at` is `sealed_at`, no link. */
export const runSealedEvent = (seal: RunSealed): NewEvent => ({
  type: RUN_SEALED,
  data: seal,
  dataCanonical: canonicalJson(seal),
  recorded_at: seal.checkpoint.sealed_at,
  link: null,
});
