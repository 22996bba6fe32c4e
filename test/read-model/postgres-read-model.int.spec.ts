import { afterAll, beforeAll } from 'vitest';
import { postgresEventStore } from '../../adapters/postgres/postgres-event-store.js';
import { postgresReadModel } from '../../adapters/postgres/read-model/postgres-read-model.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { readModelContract } from './read-model-contract.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db.drop();
});

readModelContract('Postgres', async () => {
  const store = postgresEventStore(db.pool);
  return { store, readModel: postgresReadModel(db.pool, store) };
});
