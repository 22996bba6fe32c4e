import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../domain/run/run-events.js';
import { writeRowChanges } from '../../adapters/postgres/read-model/batched-row-writer.js';
import { comparableRow } from '../../projections/comparable-row.js';
import { decodeForProjection } from '../../projections/projected-event.js';
import { projectionTables } from '../../projections/projection-tables.js';
import type { RowChange } from '../../projections/row-change.js';
import { rowChangesOf } from '../../projections/run-projection.js';
import { writeRowChange } from '../../adapters/postgres/read-model/sql-row-writer.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { sampleRunEvents, storedRunEvents, TENANT } from '../support/run-fixtures.js';

const RUNS = [
  '0f8e2b1c-5d4a-4c3b-9a21-7e6f5d4c3b2a',
  '1f8e2b1c-5d4a-4c3b-9a21-7e6f5d4c3b2b',
  '2f8e2b1c-5d4a-4c3b-9a21-7e6f5d4c3b2c',
];

/** Three runs' row changes, interleaved like concurrent runners' events, with a failed step whose
 * outcome data is JSON null and a run left unfinished. */
const changesOf = (): RowChange[] => {
  const perRun = RUNS.map((runId, r) => {
    const events: RunEvent[] = sampleRunEvents().map((e) =>
      e.type === 'RunCreated' ? { ...e, data: { ...e.data, run_id: runId } } : e,
    );
    const shaped =
      r === 1
        ? events.map((e) =>
            e.type === 'StepExecuted' && e.data.step_index === 1
              ? {
                  ...e,
                  data: {
                    ...e.data,
                    status: 'failed' as const,
                    outcome: { category: 'x', code: 'Y', data: null },
                  },
                }
              : e,
          )
        : r === 2
          ? events.slice(0, 4)
          : events;
    return storedRunEvents(shaped, TENANT, runId).map((stored) => {
      const decoded = decodeForProjection(stored);
      if (decoded._tag === 'Left' || decoded.right === null) throw new Error('fixture does not decode');
      return rowChangesOf(decoded.right);
    });
  });
  const interleaved: RowChange[] = [];
  for (let i = 0; i < 6; i++) for (const run of perRun) interleaved.push(...(run[i] ?? []));
  return interleaved;
};

const snapshot = async (pool: pg.Pool) =>
  Object.fromEntries(
    await Promise.all(
      projectionTables.map(async (table) => {
        const { rows } = await pool.query(`SELECT * FROM ${table.name} ORDER BY ${table.key.join(', ')}`);
        const sqlNulls = await pool.query(
          `SELECT ${table.key.join(', ')}, ${Object.keys(table.columns)
            .map((c) => `(${c} IS NULL) AS ${c}_is_null`)
            .join(', ')} FROM ${table.name} ORDER BY ${table.key.join(', ')}`,
        );
        return [
          table.name,
          {
            rows: rows.map((row: Record<string, unknown>) => comparableRow(table, row)),
            nulls: sqlNulls.rows,
          },
        ] as const;
      }),
    ),
  );

const inProjector = async (pool: pg.Pool, work: (client: pg.PoolClient) => Promise<void>) => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SET LOCAL aos.projector = 'on'");
    await client.query(`TRUNCATE ${projectionTables.map((t) => t.name).join(', ')}`);
    await work(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
};

describe('batched projection writes', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => db.drop());

  it('leave exactly the tables that one statement per change leaves, whatever the batch boundaries', async () => {
    const changes = changesOf();
    await inProjector(db.pool, async (client) => {
      for (const change of changes) await writeRowChange(client, change);
    });
    const oneByOne = await snapshot(db.pool);
    expect(oneByOne.aos_trace_steps?.rows.length).toBe(2 + 2 + 1);
    for (const size of [1, 2, 5, 7, changes.length]) {
      await inProjector(db.pool, async (client) => {
        for (let i = 0; i < changes.length; i += size)
          await writeRowChanges(client, changes.slice(i, i + size));
      });
      expect(await snapshot(db.pool), `batches of ${size}`).toEqual(oneByOne);
    }
  });

  it('fails, as one by one would, on an update of a row that does not exist or a second insert of a key', async () => {
    const [insert, update] = changesOf();
    if (!insert || !update) throw new Error('no changes');
    const missing = changesOf().find((c) => c.kind === 'update');
    if (!missing) throw new Error('no update');
    await expect(inProjector(db.pool, (client) => writeRowChanges(client, [missing]))).rejects.toThrow(
      /matched 0 rows/,
    );
    await expect(inProjector(db.pool, (client) => writeRowChanges(client, [insert, insert]))).rejects.toThrow(
      /conflicts/,
    );
  });
});
