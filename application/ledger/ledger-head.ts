import * as E from 'fp-ts/lib/Either.js';
import { ledgerRoot, type LedgerEntry } from '../../domain/ledger/tenant-ledger.js';
import { NOTE_KEY_NAME, treeHeadBody } from '../../domain/ledger/tree-head.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import { toHex } from '../../domain/proof/sha256.js';
import type { RunKeys } from '../ports/run-keys.js';
import { readTenantLedger, type LedgerReadError } from './read-tenant-ledger.js';

export type LedgerHead = {
  readonly tenant_id: string;
  readonly tree_size: number;
  readonly root_hash: string;
  readonly key_id: string;
  /** The signed tree head: a C2SP tlog-checkpoint note. */
  readonly note: string;
};

/** The tenant ledger's tree head, signed now with the active key. */
export const ledgerHead = async (
  store: EventStore,
  keys: RunKeys,
  tenantId: string,
): Promise<E.Either<LedgerReadError, LedgerHead>> =>
  E.map((ledger: LedgerEntry[]) => ({
    tenant_id: tenantId,
    tree_size: ledger.length,
    root_hash: toHex(ledgerRoot(ledger)),
    key_id: keys.signer.keyId,
    note: keys.signer.signNote(treeHeadBody(tenantId, ledger), NOTE_KEY_NAME),
  }))(await readTenantLedger(store, tenantId));
