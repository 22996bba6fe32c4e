import * as E from 'fp-ts/lib/Either.js';
import { ledgerLeaves, type LedgerEntry } from '../../domain/ledger/tenant-ledger.js';
import { NOTE_KEY_NAME, treeHeadBody } from '../../domain/ledger/tree-head.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import { consistencyProof } from '../../domain/proof/merkle-proofs.js';
import { merkleTreeHash } from '../../domain/proof/merkle-tree.js';
import { toHex } from '../../domain/proof/sha256.js';
import {
  documentPublicKey,
  LEDGER_CONSISTENCY_FORMAT,
  type LedgerConsistencyDocument,
} from '../../domain/verify/printed-documents.js';
import type { RunKeys } from '../ports/run-keys.js';
import { readTenantLedger, type LedgerReadError } from './read-tenant-ledger.js';

export type ConsistencyError =
  | LedgerReadError
  | {
      readonly kind: 'beyond_ledger';
      /** The size asked for that the ledger does not reach. */
      readonly size: 'from' | 'to';
      readonly tenant_id: string;
      readonly tree_size: number;
    };

/** The RFC 9162 consistency proof between two sizes of the tenant ledger (from <= to; `to` by
 * default the ledger's size now), with a tree head of each size signed now with the active key,
 * and that key: `aos verify` checks it offline. */
export const ledgerConsistency = async (
  store: EventStore,
  keys: RunKeys,
  tenantId: string,
  from: number,
  toSize: number | undefined,
): Promise<E.Either<ConsistencyError, LedgerConsistencyDocument>> => {
  const ledger = await readTenantLedger(store, tenantId);
  return E.flatMap((entries: LedgerEntry[]): E.Either<ConsistencyError, LedgerConsistencyDocument> => {
    const to = toSize ?? entries.length;
    for (const [size, value] of [
      ['to', to],
      ['from', from],
    ] as const)
      if (value > entries.length)
        return E.left({ kind: 'beyond_ledger', size, tenant_id: tenantId, tree_size: entries.length });
    const leaves = ledgerLeaves(entries).slice(0, to);
    const head = (size: number) =>
      keys.signer.signNote(treeHeadBody(tenantId, entries.slice(0, size)), NOTE_KEY_NAME);
    return E.right({
      format: LEDGER_CONSISTENCY_FORMAT,
      tenant_id: tenantId,
      from,
      to,
      old_root: toHex(merkleTreeHash(leaves.slice(0, from))),
      new_root: toHex(merkleTreeHash(leaves)),
      proof: consistencyProof(leaves, from).map(toHex),
      old_head: head(from),
      new_head: head(to),
      key_id: keys.signer.keyId,
      public_keys: [documentPublicKey(keys.signer.keyId, keys.signer.publicKey)],
    });
  })(ledger);
};
