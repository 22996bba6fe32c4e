import { inMemoryEventStore } from '../support/in-memory/in-memory-event-store.js';
import { eventStoreContract } from './event-store-contract.js';

// The in-memory store of the application's unit tests keeps the same promises as Postgres.
eventStoreContract('in memory', async () => ({ store: inMemoryEventStore(), close: async () => {} }));
