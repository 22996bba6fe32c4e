import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { EventStore, EventStoreError } from '../../domain/ports/event-store.js';
import {
  decodeLedger,
  indexLedger,
  sealOfRunIn,
  type LedgerDecodeError,
  type LedgerEntry,
  type TenantLedgerIndex,
} from '../../domain/ledger/tenant-ledger.js';
import { ledgerStreamId } from '../../domain/stream-names.js';
import type { ProofReads } from '../ports/read-model.js';
import { readModelRead } from './read-model-read.js';

/** A tenant ledger indexed by run, or where it is damaged. */
export type LedgerIndexRead = E.Either<LedgerDecodeError, TenantLedgerIndex>;

/** The tenant's whole ledger, indexed by run. */
export const readLedgerIndex = async (
  store: EventStore,
  tenantId: string,
): Promise<E.Either<EventStoreError, LedgerIndexRead>> => {
  return pipe(
    store.readStream(tenantId, ledgerStreamId(tenantId)),
    TE.map((events) => pipe(decodeLedger(events), E.map(indexLedger))),
  )();
};

/** The run's seal at `index` of the tenant ledger, when that ledger event is the run's seal. */
const sealAt = async (
  store: EventStore,
  tenantId: string,
  runId: string,
  index: number,
): Promise<E.Either<EventStoreError, LedgerEntry | undefined>> => {
  return pipe(
    store.readStreamFrom(tenantId, ledgerStreamId(tenantId), index, 1),
    TE.map((events) => (events[0]?.seq === index ? sealOfRunIn(events[0], runId) : undefined)),
  )();
};

/** The run's first seal: from the seal index, checked against the one ledger event it points at;
 * else (no row, a row pointing elsewhere, or a ledger already read) from the whole ledger, which
 * also reports a damaged ledger. */
export const findRunSeal = async (
  reads: ProofReads,
  store: EventStore,
  tenantId: string,
  runId: string,
  wholeLedger: () => Promise<E.Either<EventStoreError, LedgerIndexRead>>,
  preloaded: boolean,
): Promise<E.Either<EventStoreError, E.Either<LedgerDecodeError, LedgerEntry | undefined>>> => {
  if (!preloaded) {
    const index = await readModelRead(reads, () => reads.sealIndex(tenantId, runId));
    if (E.isLeft(index)) return index;
    if (index.right !== undefined) {
      const seal = await sealAt(store, tenantId, runId, index.right);
      if (E.isLeft(seal)) return seal;
      if (seal.right) return E.right(E.right(seal.right));
    }
  }
  return pipe(await wholeLedger(), E.map(E.map((byRun) => byRun.get(runId))));
};
