import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { postgresEventStore } from '../../adapters/postgres/postgres-event-store.js';
import { postgresReadModel } from '../../adapters/postgres/read-model/postgres-read-model.js';
import { type DatabaseRole, withSetRole } from '../../adapters/postgres/roles/database-connections.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { readModelContract } from './read-model-contract.js';

// The read model contract again, each part as the role it has in the product
// (docs/DATABASE-ROLES.md): runs appended as aos_writer, projected as aos_projector, proved as
// aos_auditor, queried as aos_reader, each taken with SET ROLE from the test server's superuser.
let db: TestDatabase;
const pools: pg.Pool[] = [];
const poolOf = (role: DatabaseRole): pg.Pool => {
  const pool = new pg.Pool({ connectionString: withSetRole(db.url, role), max: 4 });
  pool.on('error', () => undefined);
  pools.push(pool);
  return pool;
};

beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  await db.drop();
});

readModelContract('Postgres, as the split roles', async () => {
  const projector = poolOf('projector');
  return {
    store: postgresEventStore(poolOf('writer')),
    readModel: postgresReadModel(
      { projector, auditor: poolOf('auditor'), reader: poolOf('reader') },
      postgresEventStore(projector),
    ),
  };
});
