import { copyFile, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsDirectory } from '../../adapters/postgres/migrator.js';
import { postgresEventStore, READ_STREAM_TEXT_FROM } from '../../adapters/postgres/postgres-event-store.js';
import { START_POSITION, type EventStore } from '../../domain/ports/event-store.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { eventStoreContract } from './event-store-contract.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db.drop();
});

eventStoreContract('Postgres', async () => ({ store: postgresEventStore(db.pool), close: async () => {} }));

const insertSql = `INSERT INTO aos_events (stream_id, tenant_id, seq, type, data, recorded_at)
  VALUES ($1, 't1', $2, $3, '{}', '2026-01-01T00:00:00.000Z')`;

const typesAfter = async (store: EventStore, prefix: string): Promise<string[]> => {
  const all = await store.readAll(START_POSITION, 10_000)();
  if (all._tag === 'Left') throw new Error(JSON.stringify(all.left));
  return all.right.filter((e) => e.stream_id.startsWith(prefix)).map((e) => e.type);
};

describe('Postgres event store specifics', () => {
  it('never hands a reader an event while an earlier transaction may still commit (two transactions committed in reverse order, one rolled back)', async () => {
    const store = postgresEventStore(db.pool);
    const [first, second, aborted] = [
      new pg.Client({ connectionString: db.url }),
      new pg.Client({ connectionString: db.url }),
      new pg.Client({ connectionString: db.url }),
    ];
    await Promise.all([first.connect(), second.connect(), aborted.connect()]);
    try {
      for (const client of [first, second, aborted]) await client.query('BEGIN');
      await first.query(insertSql, ['late-first', 0, 'first']);
      await aborted.query(insertSql, ['late-aborted', 0, 'aborted']);
      await second.query(insertSql, ['late-second', 0, 'second']);
      await second.query('COMMIT');
      expect(await typesAfter(store, 'late-')).toEqual([]); // `second` is committed, but `first` (older) is in flight
      await aborted.query('ROLLBACK');
      expect(await typesAfter(store, 'late-')).toEqual([]);
      await first.query('COMMIT');
      expect(await typesAfter(store, 'late-')).toEqual(['first', 'second']);
    } finally {
      await Promise.all([first.end(), second.end(), aborted.end()]);
    }
  });

  it('is not held back by a transaction left open in another database of the same server, and is by one in its own', async () => {
    const other = await freshDatabase();
    const [elsewhere, here] = [
      new pg.Client({ connectionString: other.url }),
      new pg.Client({ connectionString: db.url }),
    ];
    await Promise.all([elsewhere.connect(), here.connect()]);
    const store = postgresEventStore(db.pool);
    try {
      await elsewhere.query('BEGIN');
      await elsewhere.query(insertSql, ['other-db', 0, 'elsewhere']); // older than what follows
      await db.pool.query(insertSql, ['horizon-committed', 0, 'committed']);
      expect(await typesAfter(store, 'horizon-')).toEqual(['committed']);
      await here.query('BEGIN');
      await here.query(insertSql, ['horizon-open', 0, 'open']);
      await db.pool.query(insertSql, ['horizon-after', 0, 'after']);
      expect(await typesAfter(store, 'horizon-')).toEqual(['committed']); // `open` (older) may still commit
      await here.query('COMMIT');
      expect(await typesAfter(store, 'horizon-')).toEqual(['committed', 'open', 'after']);
    } finally {
      await elsewhere.query('ROLLBACK');
      await Promise.all([elsewhere.end(), here.end()]);
      await other.drop();
    }
  });

  it('orders by transaction id and position as numbers, not as their text (9 < 99 < 100, 9 < 10)', async () => {
    const stored = await freshDatabase();
    try {
      // Hand-inserted with explicit, long-finished transaction ids and chosen positions.
      const rows = [
        [100, 10, 'fourth'],
        [100, 9, 'third'],
        [99, 99, 'second'],
        [9, 1000, 'first'],
      ] as const;
      for (const [txid, position, type] of rows) {
        await stored.pool.query(
          `INSERT INTO aos_events (global_position, transaction_id, stream_id, tenant_id, seq, type, data, recorded_at)
          OVERRIDING SYSTEM VALUE VALUES ($1, $2::text::xid8, $3, 't1', 0, $4, '{}', '2026-01-01T00:00:00.000Z')`,
          [position, txid, `digits-${type}`, type],
        );
      }
      const store = postgresEventStore(stored.pool);
      expect(await typesAfter(store, 'digits-')).toEqual(['first', 'second', 'third', 'fourth']);
      const resumed = await store.readAll({ transactionId: 100n, position: 9n }, 10)();
      expect(resumed._tag === 'Right' && resumed.right.map((e) => e.type)).toEqual(['fourth']);
    } finally {
      await stored.drop();
    }
  });

  it('rejects UPDATE, DELETE and TRUNCATE of events by trigger', async () => {
    await db.pool.query(insertSql, ['immutable', 0, 'kept']);
    for (const sql of [
      "UPDATE aos_events SET type = 'changed' WHERE stream_id = 'immutable'",
      "DELETE FROM aos_events WHERE stream_id = 'immutable'",
      'TRUNCATE aos_events',
    ]) {
      await expect(db.pool.query(sql)).rejects.toThrow(/append-only/);
    }
    expect((await db.pool.query("SELECT type FROM aos_events WHERE stream_id = 'immutable'")).rows).toEqual([
      { type: 'kept' },
    ]);
  });

  // Given a trigger that refuses the second part's insert (what a failing ledger append looks like),
  // when two streams are appended together, then the first part is rolled back with it, and the
  // connection goes back to the pool usable.
  it('rolls back the first part of an append to two streams when the second part fails', async () => {
    const store = postgresEventStore(db.pool);
    await db.pool.query(`
      CREATE FUNCTION aos_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
      CREATE TRIGGER aos_test_refuse BEFORE INSERT ON aos_events FOR EACH ROW
        WHEN (NEW.type = 'Refused') EXECUTE FUNCTION aos_test_refuse();`);
    try {
      const event = (type: string) => ({
        type,
        data: {},
        dataCanonical: '{}',
        recorded_at: '2026-01-01T00:00:00.000Z',
        link: null,
      });
      const refused = await store.appendToStreams([
        { tenantId: 't1', streamId: 'two-parts-first', expectedVersion: 0, events: [event('Kept')] },
        { tenantId: 't1', streamId: 'two-parts-second', expectedVersion: 0, events: [event('Refused')] },
      ])();
      expect(refused).toEqual({
        _tag: 'Left',
        left: { error: { kind: 'store_failed', message: 'refused by the test' }, landed: [] },
      });
      expect(await typesAfter(store, 'two-parts-')).toEqual([]);
      for (let i = 0; i < 10; i++)
        expect((await store.appendToStream('t1', `two-parts-after-${i}`, 0, [event('A')])())._tag).toBe(
          'Right',
        );
    } finally {
      await db.pool.query('DROP TRIGGER aos_test_refuse ON aos_events; DROP FUNCTION aos_test_refuse()');
    }
  });

  it('records every migration file once, and applying them again changes nothing', async () => {
    const files = (await readdir(migrationsDirectory())).filter((f) => f.endsWith('.sql')).sort();
    const recorded = (
      await db.pool.query<{ name: string }>('SELECT name FROM aos_migrations ORDER BY name')
    ).rows.map((r) => r.name);
    expect(recorded).toEqual(files);
    const { migrate } = await import('../../adapters/postgres/migrator.js');
    expect(await migrate(db.pool)).toEqual({ applied: [], alreadyApplied: files });
  });

  it('applies a file that is not recorded yet, next to the recorded ones (the fast path only skips when all are)', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'aos-migrations-'));
    for (const file of (await readdir(migrationsDirectory())).filter((f) => f.endsWith('.sql')))
      await copyFile(join(migrationsDirectory(), file), join(directory, file));
    await writeFile(join(directory, '9999_test_extra.sql'), 'CREATE TABLE aos_test_extra (id integer);\n');
    const { migrate } = await import('../../adapters/postgres/migrator.js');
    const result = await migrate(db.pool, directory);
    expect(result.applied).toEqual(['9999_test_extra.sql']);
    expect(
      (await db.pool.query("SELECT to_regclass('aos_test_extra') IS NOT NULL AS present")).rows[0],
    ).toEqual({ present: true });
    expect((await migrate(db.pool, directory)).applied).toEqual([]);
  });

  it('reads a page of a long stream from its seq by one index range scan, with no sort, before any ANALYZE', async () => {
    // A run of 20,000 events appended since the last ANALYZE (the planner has no statistics of it).
    await db.pool.query(`INSERT INTO aos_events (stream_id, tenant_id, seq, type, data, recorded_at)
      SELECT 'long-run', 't1', g, 'E', '{}', '2026-01-01T00:00:00.000Z' FROM generate_series(0, 19999) g`);
    // The adapter's own statement, explained.
    const plan = await db.pool.query<{ 'QUERY PLAN': unknown }>(
      `EXPLAIN (FORMAT JSON) ${READ_STREAM_TEXT_FROM}`,
      ['t1', 'long-run', 10_000, 2_000],
    );
    const text = JSON.stringify(plan.rows[0]?.['QUERY PLAN']);
    // With an index on (tenant_id, stream_id) only, each page was a scan of the whole stream and a sort.
    expect(text).not.toContain('"Sort"');
    expect(text).not.toContain('Bitmap');
    expect(text).toContain('"Index Name":"aos_events_tenant_stream_seq"');
    const store = postgresEventStore(db.pool);
    const page = await store.readStreamTextFrom('t1', 'long-run', 10_000, 2_000)();
    expect(page._tag === 'Right' && page.right.map((e) => e.seq)).toEqual(
      Array.from({ length: 2_000 }, (_, i) => 10_000 + i),
    );
  });

  it('fails a page read whose stored data is not one JSON value, parsed or not', async () => {
    await db.pool.query(`INSERT INTO aos_events (stream_id, tenant_id, seq, type, data, recorded_at)
      VALUES ('edited', 't1', 0, 'E', '{"a":1},"x":2', '2026-01-01T00:00:00.000Z')`);
    const store = postgresEventStore(db.pool);
    expect(await store.readStreamTextFrom('t1', 'edited', 0, 10)()).toMatchObject({
      _tag: 'Left',
      left: { kind: 'store_failed' },
    });
    expect((await store.readStreamFrom('t1', 'edited', 0, 10)())._tag).toBe('Left');
  });
});
