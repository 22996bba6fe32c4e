import * as E from 'fp-ts/lib/Either.js';
import { ledgerLeaves, type LedgerEntry } from '../../domain/ledger/tenant-ledger.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import { consistencyProof } from '../../domain/proof/merkle-proofs.js';
import { merkleTreeHash } from '../../domain/proof/merkle-tree.js';
import { toHex } from '../../domain/proof/sha256.js';
import { readTenantLedger, type LedgerReadError } from './read-tenant-ledger.js';

export type LedgerConsistency = {
  readonly tenant_id: string;
  readonly from: number;
  readonly to: number;
  readonly old_root: string;
  readonly new_root: string;
  readonly proof: readonly string[];
};

export type ConsistencyError =
  | LedgerReadError
  | { readonly kind: 'beyond_ledger'; readonly tenant_id: string; readonly tree_size: number };

/** The RFC 9162 consistency proof between two sizes of the tenant ledger (from <= to). */
export const ledgerConsistency = async (
  store: EventStore,
  tenantId: string,
  from: number,
  to: number,
): Promise<E.Either<ConsistencyError, LedgerConsistency>> => {
  const ledger = await readTenantLedger(store, tenantId);
  return E.flatMap((entries: LedgerEntry[]): E.Either<ConsistencyError, LedgerConsistency> => {
    if (to > entries.length)
      return E.left({ kind: 'beyond_ledger', tenant_id: tenantId, tree_size: entries.length });
    const leaves = ledgerLeaves(entries).slice(0, to);
    return E.right({
      tenant_id: tenantId,
      from,
      to,
      old_root: toHex(merkleTreeHash(leaves.slice(0, from))),
      new_root: toHex(merkleTreeHash(leaves)),
      proof: consistencyProof(leaves, from).map(toHex),
    });
  })(ledger);
};
