import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresEventStore } from '../../adapters/postgres/postgres-event-store.js';
import { randomIds } from '../../adapters/random-ids.js';
import { systemClock } from '../../adapters/system-clock.js';
import { applyRunCommands } from '../../domain/run/run-execution.js';
import { emptyRunStream } from '../../domain/run/run-stream.js';
import { waitForProjections } from '../../projections/projector.js';
import { proveRun } from '../../projections/run-proof.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';

const TENANT = 'tenant-proof-connections';
let db: TestDatabase;
beforeAll(async () => { db = await freshDatabase(); });
afterAll(async () => { await db.drop(); });

// Given a projected run with steps, when more proofs than the pool has connections run at once
// (each streams on two), then every one finishes and verifies: none waits forever for a
// connection another proof holds while waiting too.
describe('proofs sharing a small pool', () => {
  it('proves eight runs at once on a pool of two connections', async () => {
    const store = postgresEventStore(db.pool);
    const step = (index: number) => ({ step_index: index, skill: 'echo', params: { message: 'x' }, status: 'succeeded' as const, outcome: { category: 'success', code: 'OK', data: { message: 'x' } }, cost_cents: 0, duration_ms: 0.1, retry_count: 0 });
    const plan = { planner: 'template', planner_version: '1', steps: [0, 1].map((index) => ({ index, skill: 'echo', params: { message: 'x' }, max_retries: 0, timeout_ms: 1000, on_failure: 'stop' as const })) };
    const runIds = Array.from({ length: 8 }, () => randomIds.uuid());
    for (const runId of runIds) {
      const written = await applyRunCommands({ store, clock: systemClock }, emptyRunStream(TENANT, runId), [
        { type: 'CreateRun', run_id: runId, tenant_id: TENANT, agent_id: 'agent-1', goal: 'g', origin_system_id: 'test', agent: { agent_id: 'agent-1', tenant_id: TENANT, budget_cents: 10 } },
        { type: 'RecordPlan', plan }, { type: 'StartRun' }, { type: 'RecordStep', step: step(0) }, { type: 'RecordStep', step: step(1) },
      ]);
      if (written._tag === 'Left' || written.right.lastPosition === null) throw new Error(`writing run ${runId} failed`);
      expect((await waitForProjections(db.pool, store, written.right.lastPosition))._tag).toBe('Right');
    }
    const small = new pg.Pool({ connectionString: db.url, max: 2 });
    try {
      const proofs = await Promise.all(runIds.map((runId) => proveRun(small, postgresEventStore(small), TENANT, runId, new Map())));
      expect(proofs.map((p) => (p._tag === 'Right' ? [p.right.integrity.verification_status, p.right.step_count] : p.left))).toEqual(runIds.map(() => ['VERIFIED', 2]));
    } finally {
      await small.end();
    }
  }, 30_000);
});
