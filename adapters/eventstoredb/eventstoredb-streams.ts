import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { EventStoreError, StoredEvent } from '../../domain/ports/event-store.js';
import { classifyFailure, type EsdbConnection, type EsdbFailure } from './esdb-client.js';
import {
  decodeMetadata,
  esdbStreamName,
  toStoredEvent,
  usablePosition,
  versionOfRevision,
  type MappingError,
  type RawEvent,
} from './eventstoredb-mapping.js';

/** What the store's operations share: the connection, the namespace and how stream names and
 * stored events are made. */
export type EsdbStreams = {
  readonly connection: EsdbConnection;
  readonly namespace: string;
  readonly nameOf: (streamId: string) => string;
  /** A raw event as the port's StoredEvent; throws a StoreFailure when it does not map. */
  readonly stored: (raw: RawEvent) => StoredEvent;
  /** The stream's version and owner, from its last event; null when it does not exist. */
  readonly headOf: (
    streamName: string,
  ) => Promise<{ readonly version: number; readonly tenantId: string } | null>;
};

class StoreFailure extends Error {
  constructor(readonly error: EventStoreError) {
    super(error.kind);
  }
}

export const fail = (error: EventStoreError): never => {
  throw new StoreFailure(error);
};

const storeErrorOf = (failure: EsdbFailure): EventStoreError =>
  failure.kind === 'unavailable'
    ? { kind: 'store_unavailable', message: failure.message }
    : {
        kind: 'store_failed',
        message: failure.kind === 'failed' ? failure.message : 'unexpected wrong expected version',
      };

export const mappingFailure = (error: MappingError): Extract<EventStoreError, { kind: 'store_failed' }> => ({
  kind: 'store_failed',
  message: `event ${error.revision} of ${error.streamName}: ${error.message}`,
});

export const task =
  <T>(work: () => Promise<T>): TaskEither<EventStoreError, T> =>
  async () => {
    try {
      return E.right(await work());
    } catch (error) {
      return E.left(error instanceof StoreFailure ? error.error : storeErrorOf(classifyFailure(error)));
    }
  };

export const esdbStreams = (connection: EsdbConnection, namespace: string): EsdbStreams => {
  const stored = (raw: RawEvent): StoredEvent =>
    E.getOrElse((error: MappingError): StoredEvent => fail(mappingFailure(error)))(
      toStoredEvent(namespace, raw),
    );
  /** The stream's version and owner, from its last event; null when it does not exist. */
  const headOf = async (
    streamName: string,
  ): Promise<{ readonly version: number; readonly tenantId: string } | null> => {
    const last = await connection.readLast(streamName);
    if (last === null) return null;
    const metadata = decodeMetadata(last);
    if (E.isLeft(metadata)) return fail(mappingFailure(metadata.left));
    // Checked here, before anything is written: appends report the $all position of their last event.
    if (!usablePosition(last.position))
      return fail({
        kind: 'store_failed',
        message: 'the server reports no positions on stream reads (EventStoreDB 22.10 or later is required)',
      });
    return { version: versionOfRevision(last.revision), tenantId: metadata.right.tenant_id };
  };

  return { connection, namespace, nameOf: (streamId) => esdbStreamName(namespace, streamId), stored, headOf };
};
