import type { RunProof } from '../application/proof/run-proof.js';
import type { RunKeys } from '../application/ports/run-keys.js';
import type { Services } from '../application/services.js';
import type { ConfiguredWitness } from '../domain/witness/configured-witnesses.js';
import { cosignAfterSealing } from './cosign-after-sealing.js';
import { timestampAfterSealing } from './timestamp-after-sealing.js';

/** Who is told of a new seal: the TSA of AOS_TSA_URL (null: none) and the configured witnesses. */
export type SealNotaries = {
  readonly tsaUrl: string | null;
  readonly witnesses: readonly ConfiguredWitness[];
};

/** After a run was sealed: its seal time-stamped, then the tenant's new head cosigned. Neither can
 * undo the seal; what they could not do is said on stderr and done again later. */
export const afterSealing = async (
  services: Pick<Services, 'store' | 'ledgerHeads' | 'sealTimestamps'>,
  keys: RunKeys,
  proof: RunProof,
  notaries: SealNotaries,
): Promise<void> => {
  await timestampAfterSealing(services, proof, notaries.tsaUrl);
  await cosignAfterSealing(services, keys, proof.tenant_id, notaries.witnesses);
};
