import * as E from 'fp-ts/lib/Either.js';
import type { EventStoreError } from '../../domain/ports/event-store.js';
import type { ProofReads } from '../ports/read-model.js';

/** A read of the read model: a connection lost or a query refused is the store's error, returned
 * like the event store's own, not thrown. Any other error is a defect and is thrown. */
export const readModelRead = async <T>(
  reads: ProofReads,
  read: () => Promise<T>,
): Promise<E.Either<EventStoreError, T>> => {
  try {
    return E.right(await read());
  } catch (error) {
    const failure = reads.failureOf(error);
    if (failure === null) throw error;
    return E.left(failure);
  }
};
