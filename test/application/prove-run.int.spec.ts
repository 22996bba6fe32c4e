import { applyRunCommands } from '../../application/runs/run-execution.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresEventStore } from '../../adapters/postgres/postgres-event-store.js';
import { randomIds } from '../../adapters/random-ids.js';
import { systemClock } from '../../adapters/system-clock.js';
import type { JsonObject } from '../../domain/json/json-value.js';
import { emptyRunStream } from '../../domain/run/run-stream.js';
import { waitForProjections } from '../../adapters/postgres/read-model/catch-up-pass.js';
import { proveRun } from '../../application/proof/prove-run.js';
import { tamper } from '../support/cli-fixtures.js';
import { postgresProofSources } from '../support/postgres-sources.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';

const TENANT = 'tenant-run-proof';
let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db.drop();
});

/** A run of two executed steps with these params, written by the domain and projected. */
const projectedRun = async (params: JsonObject): Promise<string> => {
  const store = postgresEventStore(db.pool);
  const runId = randomIds.uuid();
  const step = (index: number) => ({
    step_index: index,
    skill: 'echo',
    params,
    status: 'succeeded' as const,
    outcome: { category: 'success', code: 'OK', data: params },
    cost_cents: 0,
    duration_ms: 0.1,
    retry_count: 0,
  });
  const plan = {
    planner: 'template',
    planner_version: '1',
    steps: [0, 1].map((index) => ({
      index,
      skill: 'echo',
      params,
      max_retries: 0,
      timeout_ms: 1000,
      on_failure: 'stop' as const,
    })),
  };
  const written = await applyRunCommands({ store, clock: systemClock }, emptyRunStream(TENANT, runId), [
    {
      type: 'CreateRun',
      run_id: runId,
      tenant_id: TENANT,
      agent_id: 'agent-1',
      goal: 'g',
      origin_system_id: 'test',
      agent: { agent_id: 'agent-1', tenant_id: TENANT, budget_cents: 10 },
    },
    { type: 'RecordPlan', plan },
    { type: 'StartRun' },
    { type: 'RecordStep', step: step(0) },
    { type: 'RecordStep', step: step(1) },
  ]);
  if (written._tag === 'Left' || written.right.lastPosition === null)
    throw new Error(`writing run ${runId} failed`);
  expect((await waitForProjections(db.pool, store, written.right.lastPosition))._tag).toBe('Right');
  return runId;
};

const verdict = async (runId: string, pool: pg.Pool = db.pool) => {
  const proof = await proveRun(postgresProofSources(pool), TENANT, runId, new Map());
  if (proof._tag === 'Left') throw new Error(JSON.stringify(proof.left));
  return { status: proof.right.integrity.verification_status, divergence: proof.right.integrity.divergence };
};

describe('proveRun on Postgres', () => {
  // Given a projected run with steps, when more proofs than the pool has connections run at once
  // (each streams on two), then every one finishes and verifies: none waits forever for a
  // connection another proof holds while waiting too.
  it('proves eight runs at once on a pool of two connections', async () => {
    const runIds: string[] = [];
    for (let i = 0; i < 8; i++) runIds.push(await projectedRun({ message: 'x' }));
    const small = new pg.Pool({ connectionString: db.url, max: 2 });
    try {
      const verdicts = await Promise.all(runIds.map((runId) => verdict(runId, small)));
      expect(verdicts).toEqual(runIds.map(() => ({ status: 'VERIFIED', divergence: null })));
    } finally {
      await small.end();
    }
  }, 30_000);

  it('finds infinity written where the run has no time yet (to_char would read it as NULL)', async () => {
    const store = postgresEventStore(db.pool);
    const runId = randomIds.uuid();
    const created = await applyRunCommands({ store, clock: systemClock }, emptyRunStream(TENANT, runId), [
      {
        type: 'CreateRun',
        run_id: runId,
        tenant_id: TENANT,
        agent_id: 'agent-1',
        goal: 'g',
        origin_system_id: 'test',
        agent: { agent_id: 'agent-1', tenant_id: TENANT, budget_cents: 10 },
      },
    ]);
    if (created._tag === 'Left' || created.right.lastPosition === null)
      throw new Error('creating the run failed');
    expect((await waitForProjections(db.pool, store, created.right.lastPosition))._tag).toBe('Right');
    expect(await verdict(runId)).toEqual({ status: 'VERIFIED', divergence: null });
    expect(
      await tamper(db.pool, `UPDATE aos_traces SET started_at = 'infinity' WHERE run_id = $1`, [runId]),
    ).toBe(1);
    expect(await verdict(runId)).toMatchObject({
      status: 'FAILED',
      divergence: {
        source: 'projection',
        field: 'aos_traces.started_at',
        expected: null,
        actual: 'infinity',
      },
    });
  });

  it('refuses a pool of one connection instead of waiting forever for a second', async () => {
    const runId = await projectedRun({ message: 'x' });
    const single = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      expect(await proveRun(postgresProofSources(single), TENANT, runId, new Map())).toEqual({
        _tag: 'Left',
        left: { kind: 'store_failed', message: 'a proof reads on 2 connections at once; this pool allows 1' },
      });
    } finally {
      await single.end();
    }
  });

  // Given step params with numbers of every form JavaScript prints, when the stored jsonb keeps
  // them as the projector wrote them, then the run verifies; when one gains digits a parsed double
  // would drop, then the proof names the cell.
  // Given a proof whose reads of the projections are under way, when their connections are lost,
  // then proveRun returns the store's error (the CLI's store exit code and message), not a throw
  // that reads as an internal error.
  it('returns a store error when the connection reading the step rows is lost', async () => {
    const runId = await projectedRun({ message: 'x' });
    const locker = await db.pool.connect();
    try {
      // The step rows' COPY (and their count) wait on this lock, so they are under way when killed.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE aos_trace_steps IN ACCESS EXCLUSIVE MODE');
      const proving = proveRun(postgresProofSources(db.pool), TENANT, runId, new Map());
      // Both the step rows' COPY and their count wait on the lock: both are killed, and the proof
      // returns once every one of its reads has ended.
      const waiting = `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%aos_trace_steps%' AND pid <> pg_backend_pid()`;
      const killed = new Set<number>();
      for (let tries = 0; killed.size < 2 && tries < 100; tries++) {
        // From outside the locker's transaction, whose view of pg_stat_activity is a snapshot; a
        // backend still listed after it was told to end is counted once.
        const { rows } = await db.pool.query<{ pid: number; ended: boolean }>(
          `SELECT pid, pg_terminate_backend(pid) AS ended FROM (${waiting}) AS w`,
        );
        for (const { pid, ended } of rows) if (ended) killed.add(pid);
        if (killed.size < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(killed.size).toBe(2);
      const proof = await proving;
      expect(proof).toMatchObject({ _tag: 'Left', left: { kind: 'store_unavailable' } });
      // A terminated backend can stay listed for a moment while it exits: asked until none is
      // (a read the proof left running would stay listed).
      const active = `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`;
      let left = (await db.pool.query(active)).rows;
      for (let tries = 0; left.length > 0 && tries < 50; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        left = (await db.pool.query(active)).rows;
      }
      expect(left).toEqual([]);
    } finally {
      await locker.query('ROLLBACK');
      locker.release();
    }
  });

  it('verifies jsonb numbers as stored and finds one changed beyond double precision', async () => {
    const runId = await projectedRun({
      message: 'x',
      small: 0.1,
      tiny: 1.5e-7,
      huge: 1e21,
      negative: -2.5e-10,
      whole: 42,
    });
    expect(await verdict(runId)).toEqual({ status: 'VERIFIED', divergence: null });
    expect(
      await tamper(
        db.pool,
        `UPDATE aos_trace_steps SET params = jsonb_set(params, '{small}', '0.10000000000000000001'::jsonb) WHERE run_id = $1 AND seq = 4`,
        [runId],
      ),
    ).toBe(1);
    expect(await verdict(runId)).toEqual({
      status: 'FAILED',
      divergence: {
        source: 'projection',
        seq: 4,
        field: 'aos_trace_steps.params',
        expected: '{"huge":1e+21,"message":"x","negative":-2.5e-10,"small":0.1,"tiny":1.5e-7,"whole":42}',
        actual:
          '{"huge": 1000000000000000000000, "tiny": 0.00000015, "small": 0.10000000000000000001, "whole": 42, "message": "x", "negative": -0.00000000025}',
      },
    });
  });
});
