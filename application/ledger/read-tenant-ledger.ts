import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
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
  return pipe(
    store.readStream(tenantId, ledgerStreamId(tenantId)),
    TE.mapLeft((error): LedgerReadError => ({ kind: 'store', error })),
    TE.flatMapEither((events) =>
      pipe(
        decodeLedger(events),
        E.mapLeft((damage): LedgerReadError => ({ kind: 'ledger_damaged', tenant_id: tenantId, damage })),
      ),
    ),
  )();
};
