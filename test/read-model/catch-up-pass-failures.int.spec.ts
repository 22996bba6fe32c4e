import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresEventStore } from '../../adapters/postgres/postgres-event-store.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import { catchUpProjections, waitForProjections } from '../../adapters/postgres/read-model/catch-up-pass.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';

// Given the catch-up pass's quick path (the checkpoint and one read of the store, outside any
// transaction), when that read fails, then the pass goes on to the transactional pass, which
// reports the store's failure as the projector's typed error (a Left, not a rejected promise).
describe('catch-up pass, its quick path', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('passes a failed read on to the transactional pass, whose answer is a Left', async () => {
    const store: EventStore = {
      ...postgresEventStore(db.pool),
      readAll: () => async () => E.left({ kind: 'store_unavailable', message: 'the store is down' }),
    };
    expect(E.isLeft(await catchUpProjections(db.pool, store))).toBe(true);
    const waited = await waitForProjections(
      db.pool,
      store,
      { transactionId: 1n, position: 1n },
      { timeoutMs: 100 },
    );
    expect(E.isLeft(waited)).toBe(true);
  });

  it('answers a Left, not a rejected promise, when the pool cannot connect', async () => {
    const down = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', max: 1 });
    try {
      const pass = await catchUpProjections(down, postgresEventStore(down));
      expect(pass).toMatchObject(E.left({ kind: 'store', error: { kind: 'store_unavailable' } }));
    } finally {
      await down.end();
    }
  });

  it('answers at the checkpoint with nothing applied on a database with nothing to project', async () => {
    const pass = await catchUpProjections(db.pool, postgresEventStore(db.pool));
    expect(pass).toEqual(E.right({ position: { transactionId: 0n, position: 0n }, applied: 0 }));
  });
});
