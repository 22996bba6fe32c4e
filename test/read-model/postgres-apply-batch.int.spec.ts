import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postgresEventStore } from '../../adapters/postgres/postgres-event-store.js';
import { projectorApplier } from '../../adapters/postgres/read-model/batch-applier.js';
import { postgresReadModel } from '../../adapters/postgres/read-model/postgres-read-model.js';
import type { ProjectionUpkeep } from '../../application/ports/read-model.js';
import {
  START_POSITION,
  type EventStore,
  type GlobalPosition,
  type NewEvent,
  type StoredEvent,
} from '../../domain/ports/event-store.js';
import type { JsonObject } from '../../domain/json/json-value.js';
import { projectionTables } from '../../projections/projection-tables.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { sampleRunEvents, storedRunEvents, TENANT } from '../support/run-fixtures.js';

// applyBatch fed directly, as the EventStoreDB catch-up feed feeds it: batches of the store's own
// events (read back from a Postgres store, with their real global positions) pushed into the
// projector, which reads the store only for what lies between its checkpoint and a batch.

const RUN_A = '1a1a1a1a-0000-4000-8000-00000000000a';
const RUN_B = '2b2b2b2b-0000-4000-8000-00000000000b';

let db: TestDatabase;
let store: EventStore;
let reads: GlobalPosition[];
let projections: ProjectionUpkeep;
beforeEach(async () => {
  db = await freshDatabase();
  const postgres = postgresEventStore(db.pool);
  reads = [];
  // The Postgres store, with its readAll calls recorded.
  store = {
    ...postgres,
    readAll: (after, limit) => {
      reads.push(after);
      return postgres.readAll(after, limit);
    },
  };
  projections = postgresReadModel(db.pool, store).projections;
});
afterEach(async () => {
  await db.drop();
});

/** Appends a two-step run that succeeds, and returns its events as the store gives them back once
 * readAll hands them out (it holds them back while an older transaction of the server, in any
 * database, may still commit). */
const appendRun = async (runId: string): Promise<StoredEvent[]> => {
  const events = storedRunEvents(sampleRunEvents(), TENANT, runId).map(
    ({ type, data, dataCanonical, recorded_at, link }): NewEvent => ({
      type,
      data: data as JsonObject,
      dataCanonical,
      recorded_at,
      link,
    }),
  );
  const appended = await store.appendToStream(TENANT, `aos-run-${runId}`, 0, events)();
  if (appended._tag === 'Left') throw new Error(JSON.stringify(appended.left));
  for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
    const all = await store.readAll(START_POSITION, 1000)();
    if (all._tag === 'Left') throw new Error(JSON.stringify(all.left));
    const delivered = all.right.filter((e) => e.stream_id === `aos-run-${runId}`);
    reads = [];
    if (delivered.length === events.length) return delivered;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the store did not hand out run ${runId} within 30 s`);
};

const last = (events: readonly StoredEvent[]): GlobalPosition => events[events.length - 1]!.globalPosition;

const trace = async (runId: string) =>
  (
    await db.pool.query<{ status: string; step_count: number; total_cost_cents: number; steps: number }>(
      `SELECT status, step_count, total_cost_cents::int AS total_cost_cents,
         (SELECT count(*)::int FROM aos_trace_steps s WHERE s.run_id = t.run_id) AS steps
       FROM aos_traces t WHERE run_id = $1`,
      [runId],
    )
  ).rows;

/** Every row of every read table, and the checkpoint row with the time it last moved. */
const snapshot = async () => {
  const tables: Record<string, unknown> = {};
  for (const { name } of projectionTables) {
    const { rows } = await db.pool.query<{ rows: unknown }>(
      `SELECT coalesce(json_agg(to_jsonb(t) ORDER BY to_jsonb(t)::text), '[]') AS rows FROM ${name} t`,
    );
    tables[name] = rows[0]?.rows;
  }
  const checkpoint = await db.pool.query(
    "SELECT transaction_id, global_position, updated_at FROM aos_projection_checkpoints WHERE name = 'trace_tables'",
  );
  return { tables, checkpoint: checkpoint.rows };
};

describe('applyBatch fed directly (Postgres)', () => {
  it('applies a batch after the checkpoint once, with the checkpoint at its last event, without reading the store', async () => {
    const events = await appendRun(RUN_A);
    expect(await projections.applyBatch({ after: START_POSITION, events })).toEqual(last(events));
    expect(await projections.checkpoint()).toEqual(last(events));
    expect(await trace(RUN_A)).toEqual([
      { status: 'succeeded', step_count: 2, total_cost_cents: 5, steps: 2 },
    ]);
    expect(reads).toEqual([]);
  });

  it('applies the same batch again zero times, and of a batch partly projected only the events after the checkpoint', async () => {
    const eventsA = await appendRun(RUN_A);
    await projections.applyBatch({ after: START_POSITION, events: eventsA });
    const before = await snapshot();
    expect(await projections.applyBatch({ after: START_POSITION, events: eventsA })).toEqual(last(eventsA));
    expect(await snapshot()).toEqual(before);

    const eventsB = await appendRun(RUN_B);
    const both = [...eventsA, ...eventsB];
    expect(await projections.applyBatch({ after: START_POSITION, events: both })).toEqual(last(eventsB));
    expect(await trace(RUN_A)).toEqual([
      { status: 'succeeded', step_count: 2, total_cost_cents: 5, steps: 2 },
    ]);
    expect(await trace(RUN_B)).toEqual([
      { status: 'succeeded', step_count: 2, total_cost_cents: 5, steps: 2 },
    ]);
    expect(reads).toEqual([]);
  });

  it('reads the events between the checkpoint and a batch that starts after it from the store first, from the checkpoint on', async () => {
    const eventsA = await appendRun(RUN_A);
    await projections.applyBatch({ after: START_POSITION, events: eventsA });
    const eventsB = await appendRun(RUN_B);
    // The batch starts after B's third event (RunStarted): RunCreated to RunStarted are the gap.
    const batch = { after: eventsB[2]!.globalPosition, events: eventsB.slice(3) };
    expect(await projections.applyBatch(batch)).toEqual(last(eventsB));
    expect(reads).toEqual([last(eventsA)]);
    expect(await projections.checkpoint()).toEqual(last(eventsB));
    expect(await trace(RUN_B)).toEqual([
      { status: 'succeeded', step_count: 2, total_cost_cents: 5, steps: 2 },
    ]);
  });

  it('rolls back every row and the checkpoint of a batch with an undecodable event, pushes applied before it included', async () => {
    const eventsA = await appendRun(RUN_A);
    await projections.applyBatch({ after: START_POSITION, events: eventsA });
    const before = await snapshot();
    const eventsB = await appendRun(RUN_B);
    const end = last(eventsB);
    const undecodable: StoredEvent = {
      ...eventsB[3]!,
      seq: 6,
      data: {},
      dataCanonical: '{}',
      globalPosition: { transactionId: end.transactionId, position: end.position + 1n },
    };
    // Pushes of two events: B's six are written (checkpoint moved three times) before the seventh fails.
    const apply = projectorApplier(db.pool, store, { batchSize: 2 });
    await expect(apply({ after: last(eventsA), events: [...eventsB, undecodable] })).rejects.toThrow(
      new RegExp(
        `^projecting a batch failed: \\{"kind":"undecodable_event","stream_id":"aos-run-${RUN_B}","seq":6,"message":`,
      ),
    );
    expect(await snapshot()).toEqual(before);
    expect(await projections.checkpoint()).toEqual(last(eventsA));
  });
});
