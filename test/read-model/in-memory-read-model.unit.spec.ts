import { inMemoryEventStore } from '../support/in-memory/in-memory-event-store.js';
import { inMemoryReadModel } from '../support/in-memory/in-memory-read-model.js';
import { readModelContract } from './read-model-contract.js';

// The in-memory read model of the application's unit tests keeps the same promises as Postgres.
readModelContract('in memory', async () => {
  const store = inMemoryEventStore();
  return { store, readModel: inMemoryReadModel(store) };
});
