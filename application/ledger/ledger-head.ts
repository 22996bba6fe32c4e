import * as E from 'fp-ts/lib/Either.js';
import { ledgerRoot, type LedgerEntry } from '../../domain/ledger/tenant-ledger.js';
import { NOTE_KEY_NAME, treeHeadBody } from '../../domain/ledger/tree-head.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import { toHex } from '../../domain/proof/sha256.js';
import type { LedgerHeads } from '../ports/ledger-heads.js';
import type { RunKeys } from '../ports/run-keys.js';
import { cosignedNote } from './head-cosignatures.js';
import { readTenantLedger, type LedgerReadError } from './read-tenant-ledger.js';

export type LedgerHead = {
  readonly tenant_id: string;
  readonly tree_size: number;
  readonly root_hash: string;
  readonly key_id: string;
  /** The signed tree head: a C2SP tlog-checkpoint note, with the cosignatures witnesses gave it. */
  readonly note: string;
};

/** The tenant ledger's tree head, signed now with the active key, with the cosignature lines kept
 * for that size and root (none without `heads`). */
export const ledgerHead = async (
  store: EventStore,
  keys: RunKeys,
  tenantId: string,
  heads: LedgerHeads | null,
): Promise<E.Either<LedgerReadError, LedgerHead>> => {
  const ledger = await readTenantLedger(store, tenantId);
  if (E.isLeft(ledger)) return ledger;
  const entries: LedgerEntry[] = ledger.right;
  const head = { tenant_id: tenantId, tree_size: entries.length, root_hash: toHex(ledgerRoot(entries)) };
  const note = keys.signer.signNote(treeHeadBody(tenantId, entries), NOTE_KEY_NAME);
  const cosigned = await cosignedNote(heads, head, note);
  if (E.isLeft(cosigned)) return E.left({ kind: 'store', error: cosigned.left });
  return E.right({ ...head, key_id: keys.signer.keyId, note: cosigned.right });
};
