import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { tamper } from '../support/cli-fixtures.js';
import { verifyAllSweep, type Divergence } from './support/verify-all-fixture.js';

/** How the sweep finds a run whatever was deleted or made up: by any event it still holds, by rows
 * of the read tables no event stands behind, by its seal once all its events are gone. */
describe('aos-int verify-all', () => {
  const { db, env, sealRuns, verifyAll } = verifyAllSweep();

  // A run is found by any event it still holds, not only by its RunCreated.
  it('fails a run whose RunCreated event was deleted, as aos proof does', async () => {
    const tenant = 'tenant-sweep-headless';
    const [target] = await sealRuns(tenant, 1);
    expect(
      await tamper(db.pool, 'DELETE FROM aos_events WHERE stream_id = $1 AND seq = 0', [`aos-run-${target}`]),
    ).toBe(1);
    const proof = await runCli(
      'aos',
      ['proof', '--tenant-id', tenant, '--run-id', target ?? '', '--json'],
      env,
    );
    expect(proof.code).toBe(1);
    expect(jsonOf<{ integrity: { divergence: Divergence } }>(proof).integrity.divergence).toMatchObject({
      source: 'event_store',
      seq: 0,
    });

    const swept = await verifyAll(tenant);
    expect(swept).toMatchObject({
      runs: 1,
      failed: 1,
      failed_runs: [expect.objectContaining({ run_id: target })],
    });
    expect(swept.code).toBe(1);
  });

  it('fails rows of the read tables that no event stands behind (a run made up by hand), without naming runs that have events', async () => {
    const tenant = 'tenant-sweep-made-up';
    const [model] = await sealRuns(tenant, 1);
    const madeUp = '0b5e3c1a-7d2f-4e6a-9c8b-1a2b3c4d5e6f';
    expect(
      await tamper(
        db.pool,
        `INSERT INTO aos_traces SELECT $2, tenant_id, agent_id, origin_system_id, goal, status, created_at, started_at, completed_at,
      root_hash, chain_length, step_count, total_cost_cents, error_code, error_message FROM aos_traces WHERE run_id = $1`,
        [model, madeUp],
      ),
    ).toBe(1);
    expect(
      await tamper(
        db.pool,
        `INSERT INTO aos_trace_steps (run_id, tenant_id, seq, step_index, skill_name, params, status, outcome_category, outcome_code,
      outcome_data, cost_cents, duration_ms, retry_count, recorded_at, link) SELECT $2, tenant_id, seq, step_index, skill_name, params, status, outcome_category,
      outcome_code, outcome_data, cost_cents, duration_ms, retry_count, recorded_at, link FROM aos_trace_steps WHERE run_id = $1`,
        [model, madeUp],
      ),
    ).toBeGreaterThan(0);
    const swept = await verifyAll(tenant);
    expect(swept.code).toBe(1);
    expect(swept).toMatchObject({ runs: 1, verified: 1, failed: 1 });
    expect(swept.failed_runs).toEqual([
      {
        tenant_id: tenant,
        run_id: madeUp,
        reason: expect.stringContaining('aos_trace_steps, aos_traces'),
        divergence: {
          source: 'projection',
          seq: null,
          field: 'aos_trace_steps.rows',
          expected: 'absent',
          actual: 'present',
        },
      },
    ]);
    expect(swept.stderr).toContain(
      `FAILED ${tenant} ${madeUp}: rows in aos_trace_steps, aos_traces for a run with no event in the store`,
    );
    await tamper(db.pool, 'DELETE FROM aos_trace_steps WHERE run_id = $1', [madeUp]);
    await tamper(db.pool, 'DELETE FROM aos_traces WHERE run_id = $1', [madeUp]);
  });

  // A sealed run deleted outright (events and rows) is still named by its seal in the tenant ledger.
  it('fails a sealed run whose events were all deleted, by its seal in the ledger', async () => {
    const tenant = 'tenant-sweep-erased';
    const [target] = await sealRuns(tenant, 1);
    await tamper(db.pool, 'DELETE FROM aos_trace_steps WHERE run_id = $1', [target]);
    await tamper(db.pool, 'DELETE FROM aos_traces WHERE run_id = $1', [target]);
    expect(
      await tamper(db.pool, 'DELETE FROM aos_events WHERE stream_id = $1', [`aos-run-${target}`]),
    ).toBeGreaterThan(0);
    const proof = await runCli(
      'aos',
      ['proof', '--tenant-id', tenant, '--run-id', target ?? '', '--json'],
      env,
    );
    expect(proof.code).toBe(1);
    expect(
      jsonOf<{ integrity: { verification_status: string; divergence: Divergence } }>(proof).integrity,
    ).toMatchObject({
      verification_status: 'FAILED',
      divergence: { source: 'checkpoint', field: 'chain_length', actual: 0 },
    });

    const swept = await verifyAll(tenant);
    expect(swept.code).toBe(1);
    expect(swept.failed_runs.map((f) => f.run_id)).toEqual([target]);

    // Exported, it is that FAILED verdict with its seal and no events, not a missing run.
    const exported = await runCli(
      'aos',
      ['export', '--tenant-id', tenant, '--run-id', target ?? '', '--json'],
      env,
    );
    expect(exported.code, exported.stderr).toBe(1);
    const bundle = jsonOf<{
      integrity: { verification_status: string; chain_length: number };
      checkpoint: { run_id: string } | null;
      events: unknown[];
    }>(exported);
    expect(bundle).toMatchObject({
      integrity: { verification_status: 'FAILED', chain_length: 0 },
      checkpoint: { run_id: target },
      events: [],
    });
    const missing = await runCli(
      'aos',
      ['export', '--tenant-id', tenant, '--run-id', '0f8e2b1c-5d4a-4c3b-9a21-7e6f5d4c3b2a', '--json'],
      env,
    );
    expect(missing.code).toBe(3);
  });
});
