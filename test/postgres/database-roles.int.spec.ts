import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresEventStore } from '../../adapters/postgres/postgres-event-store.js';
import { postgresReadModel } from '../../adapters/postgres/read-model/postgres-read-model.js';
import type { JsonObject } from '../../domain/json/json-value.js';
import type { RunEvent } from '../../domain/run/run-events.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { sampleRunEvents, storedRunEvents } from '../support/run-fixtures.js';

const RUN_A = '0a8e2b1c-5d4a-4c3b-9a21-7e6f5d4c3b2a';
const RUN_B = '0b8e2b1c-5d4a-4c3b-9a21-7e6f5d4c3b2b';

type Role = 'aos_writer' | 'aos_projector' | 'aos_reader' | 'aos_auditor';

/** `sql` in a transaction of its own, as `role` (SET LOCAL ROLE from the superuser the tests
 * connect as), with app.tenant_id set to `tenant` unless it is null. */
const asRole = async (
  pool: pg.Pool,
  role: Role,
  tenant: string | null,
  sql: string,
  params: unknown[] = [],
): Promise<pg.QueryResult> => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL ROLE ${role}`);
    if (tenant !== null) await client.query("SELECT set_config('app.tenant_id', $1, true)", [tenant]);
    const result = await client.query(sql, params);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
};

const eventsOf = (runId: string): RunEvent[] =>
  sampleRunEvents().map((e) => (e.type === 'RunCreated' ? { ...e, data: { ...e.data, run_id: runId } } : e));

let db: TestDatabase;

beforeAll(async () => {
  db = await freshDatabase();
  const store = postgresEventStore(db.pool);
  for (const [tenant, runId] of [
    ['tenant-a', RUN_A],
    ['tenant-b', RUN_B],
  ] as const) {
    const stored = storedRunEvents(eventsOf(runId), tenant, runId);
    const events = stored.map((e) => ({ ...e, data: e.data as JsonObject }));
    const appended = await store.appendToStream(tenant, `aos-run-${runId}`, 0, events)();
    if (appended._tag === 'Left') throw new Error(JSON.stringify(appended.left));
  }
  const pass = await postgresReadModel(db.pool, store).projections.catchUp();
  if (pass._tag === 'Left') throw new Error(JSON.stringify(pass.left));
});

afterAll(async () => {
  await db.drop();
});

const PERMISSION_DENIED = /permission denied for table/;

describe('aos_writer', () => {
  it.each([
    ['UPDATE', "UPDATE aos_events SET type = 'x'"],
    ['DELETE', 'DELETE FROM aos_events'],
    ['TRUNCATE', 'TRUNCATE aos_events'],
  ])('is refused %s of aos_events', async (_, sql) => {
    await expect(asRole(db.pool, 'aos_writer', 'tenant-a', sql)).rejects.toThrow(
      /permission denied for table aos_events/,
    );
  });

  it.each(['aos_seal_timestamps', 'aos_ledger_heads', 'aos_ledger_cosignatures'])(
    'is refused UPDATE, DELETE and TRUNCATE of the ledger table %s',
    async (table) => {
      await expect(
        asRole(db.pool, 'aos_writer', 'tenant-a', `UPDATE ${table} SET tenant_id = 'x'`),
      ).rejects.toThrow(PERMISSION_DENIED);
      await expect(asRole(db.pool, 'aos_writer', 'tenant-a', `DELETE FROM ${table}`)).rejects.toThrow(
        PERMISSION_DENIED,
      );
      await expect(asRole(db.pool, 'aos_writer', 'tenant-a', `TRUNCATE ${table}`)).rejects.toThrow(
        PERMISSION_DENIED,
      );
    },
  );

  it("reads its tenant's events only, and none without a tenant", async () => {
    const a = await asRole(db.pool, 'aos_writer', 'tenant-a', 'SELECT DISTINCT tenant_id FROM aos_events');
    expect(a.rows).toEqual([{ tenant_id: 'tenant-a' }]);
    const none = await asRole(db.pool, 'aos_writer', null, 'SELECT count(*)::int AS n FROM aos_events');
    expect(none.rows).toEqual([{ n: 0 }]);
  });

  it("cannot append to another tenant's name", async () => {
    await expect(
      asRole(
        db.pool,
        'aos_writer',
        'tenant-a',
        "INSERT INTO aos_events (stream_id, tenant_id, seq, type, data, recorded_at) VALUES ('s', 'tenant-b', 0, 'T', '{}', '2026-01-01T00:00:00.000Z')",
      ),
    ).rejects.toThrow(/row-level security policy for table "aos_events"/);
  });

  it('cannot write the projections', async () => {
    await expect(asRole(db.pool, 'aos_writer', 'tenant-a', 'DELETE FROM aos_traces')).rejects.toThrow(
      PERMISSION_DENIED,
    );
  });
});

describe('aos_reader', () => {
  it.each([
    ['aos_traces', 'run_id'],
    ['aos_trace_steps', 'run_id'],
    ['runs', 'run_id'],
    ['aos_run_seals', 'run_id'],
  ])("with tenant A set reads none of B's rows of %s", async (table) => {
    const rows = await asRole(db.pool, 'aos_reader', 'tenant-a', `SELECT DISTINCT tenant_id FROM ${table}`);
    expect(rows.rows.map((r: { tenant_id: string }) => r.tenant_id)).not.toContain('tenant-b');
  });

  it('with tenant A set reads its own trace and steps', async () => {
    const traces = await asRole(db.pool, 'aos_reader', 'tenant-a', 'SELECT run_id FROM aos_traces');
    expect(traces.rows).toEqual([{ run_id: RUN_A }]);
    const steps = await asRole(
      db.pool,
      'aos_reader',
      'tenant-a',
      'SELECT count(*)::int AS n FROM aos_trace_steps',
    );
    expect(steps.rows[0].n).toBeGreaterThan(0);
  });

  it.each(['aos_traces', 'aos_trace_steps', 'runs', 'agents', 'aos_run_seals'])(
    'with no tenant set reads nothing of %s',
    async (table) => {
      const all = await db.pool.query(`SELECT count(*)::int AS n FROM ${table}`);
      const none = await asRole(db.pool, 'aos_reader', null, `SELECT count(*)::int AS n FROM ${table}`);
      expect(none.rows).toEqual([{ n: 0 }]);
      if (table !== 'agents' && table !== 'aos_run_seals') expect(all.rows[0].n).toBeGreaterThan(0);
    },
  );

  it('reads no event and no ledger table', async () => {
    for (const table of ['aos_events', 'aos_seal_timestamps', 'aos_ingest_tokens', 'aos_ingest_spans']) {
      await expect(asRole(db.pool, 'aos_reader', 'tenant-a', `SELECT 1 FROM ${table}`)).rejects.toThrow(
        PERMISSION_DENIED,
      );
    }
  });
});

describe('aos_projector', () => {
  it('cannot append events', async () => {
    await expect(
      asRole(
        db.pool,
        'aos_projector',
        null,
        "INSERT INTO aos_events (stream_id, tenant_id, seq, type, data, recorded_at) VALUES ('s', 'tenant-a', 0, 'T', '{}', '2026-01-01T00:00:00.000Z')",
      ),
    ).rejects.toThrow(/permission denied for table aos_events/);
  });

  it('reads the events of every tenant, with no tenant set', async () => {
    const rows = await asRole(
      db.pool,
      'aos_projector',
      null,
      'SELECT DISTINCT tenant_id FROM aos_events ORDER BY 1',
    );
    expect(rows.rows).toEqual([{ tenant_id: 'tenant-a' }, { tenant_id: 'tenant-b' }]);
  });
});

describe('aos_auditor', () => {
  it('reads every tenant and writes nothing', async () => {
    const rows = await asRole(
      db.pool,
      'aos_auditor',
      null,
      'SELECT DISTINCT tenant_id FROM aos_traces ORDER BY 1',
    );
    expect(rows.rows).toEqual([{ tenant_id: 'tenant-a' }, { tenant_id: 'tenant-b' }]);
    await expect(asRole(db.pool, 'aos_auditor', null, 'DELETE FROM aos_events')).rejects.toThrow(
      PERMISSION_DENIED,
    );
  });
});

describe('the migration', () => {
  it('has row-level security enabled and forced on every table with a tenant_id', async () => {
    const { rows } = await db.pool.query<{ relname: string; rls: boolean; forced: boolean }>(
      `SELECT c.relname, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r'
          AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
        ORDER BY 1`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(12);
    expect(rows.filter((r) => !r.rls || !r.forced).map((r) => r.relname)).toEqual([]);
  });

  it('creates the roles once, across databases migrating at once', async () => {
    const others = await Promise.all([freshDatabase(), freshDatabase()]);
    try {
      const roles = await db.pool.query(
        "SELECT rolname FROM pg_roles WHERE rolname LIKE 'aos\\_%' AND rolname IN ('aos_writer', 'aos_projector', 'aos_reader', 'aos_auditor') ORDER BY 1",
      );
      expect(roles.rows.map((r: { rolname: string }) => r.rolname)).toEqual([
        'aos_auditor',
        'aos_projector',
        'aos_reader',
        'aos_writer',
      ]);
    } finally {
      await Promise.all(others.map((o) => o.drop()));
    }
  });
});
