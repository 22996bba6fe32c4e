import * as E from 'fp-ts/lib/Either.js';
import { decodeLedger, type LedgerDecodeError, type LedgerEntry } from '../../domain/ledger/tenant-ledger.js';
import type { EventStore, EventStoreError } from '../../domain/ports/event-store.js';
import { ledgerStreamId } from '../../domain/stream-names.js';

export type LedgerReadError =
  | { readonly kind: 'store'; readonly error: EventStoreError }
  | { readonly kind: 'ledger_damaged'; readonly tenant_id: string; readonly damage: LedgerDecodeError };

/** A tenant's ledger of seals as stored; a damaged ledger is an error naming where. */
export const readTenantLedger = async (
  store: EventStore,
  tenantId: string,
): Promise<E.Either<LedgerReadError, LedgerEntry[]>> => {
  const events = await store.readStream(tenantId, ledgerStreamId(tenantId))();
  if (events._tag === 'Left') return E.left({ kind: 'store', error: events.left });
  return E.mapLeft((damage: LedgerDecodeError): LedgerReadError => ({
    kind: 'ledger_damaged',
    tenant_id: tenantId,
    damage,
  }))(decodeLedger(events.right));
};
