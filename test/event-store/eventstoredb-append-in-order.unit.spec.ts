import { esdbAppendInOrder } from '../../adapters/eventstoredb/eventstoredb-append.js';
import { inMemoryEventStore } from '../support/in-memory/in-memory-event-store.js';
import { streamsAppendContract } from './streams-append-contract.js';

// EventStoreDB's appendToStreams composes its single checked append, one part after the other:
// that composition, run here over the in-memory store's single append (no server is needed for
// it), keeps the in-order contract; the whole contract against a server is in
// eventstoredb-event-store.int.spec.ts.
streamsAppendContract(
  'EventStoreDB composition of single appends',
  async () => {
    const store = inMemoryEventStore();
    return {
      store: { ...store, appendToStreams: esdbAppendInOrder(store.appendToStream) },
      close: async () => {},
    };
  },
  'in_order',
);
