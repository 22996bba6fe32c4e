import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { createAgent, echoSteps, runGoal, tamper, withSigningKey } from '../support/cli-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';

/**
 * `aos-int verify-all`: every run proved, streaming, with a summary; exit 1 when any failed.
 * The tests run in order: the first two see only tenants A and B; the later ones add a tenant each
 * and look at it with --tenant-id.
 */
const A = 'tenant-sweep-a';
const B = 'tenant-sweep-b';

type Divergence = { source: string; seq: number | null; field: string; expected: unknown; actual: unknown };
type Summary = {
  tenant_id: string | null;
  runs: number;
  verified: number;
  failed: number;
  unsealed: number;
  not_found: number;
  seconds: number;
  failed_runs: Array<{
    tenant_id: string;
    run_id: string;
    reason: string | null;
    divergence: Divergence | null;
  }>;
};

describe('aos-int verify-all', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const runsOf = new Map<string, string[]>();

  const sealRuns = async (tenant: string, count: number): Promise<string[]> => {
    const agentId = await createAgent(env, tenant, echoSteps);
    const ids: string[] = [];
    for (let n = 0; n < count; n++) {
      const run = await runGoal(env, tenant, agentId);
      expect(run.result.code, run.result.stderr).toBe(0);
      ids.push(run.run_id);
    }
    runsOf.set(tenant, ids);
    return ids;
  };
  const verifyAll = async (tenant?: string) => {
    const result = await runCli(
      'aos-int',
      ['verify-all', '--json', ...(tenant ? ['--tenant-id', tenant] : [])],
      env,
    );
    return { code: result.code, stderr: result.stderr, ...jsonOf<Summary>(result) };
  };
  const ledgerStream = (tenant: string) => `aos-ledger-${tenant}`;

  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url });
    await sealRuns(A, 3);
    await sealRuns(B, 2);
  });
  afterAll(async () => db.drop());

  it('verifies every run of every tenant, or of one tenant with --tenant-id: exit 0', async () => {
    const [all, onlyA, onlyB] = await Promise.all([verifyAll(), verifyAll(A), verifyAll(B)]);
    expect(all.code, all.stderr).toBe(0);
    expect(all).toMatchObject({
      tenant_id: null,
      runs: 5,
      verified: 5,
      failed: 0,
      unsealed: 0,
      not_found: 0,
      failed_runs: [],
    });
    expect(onlyA).toMatchObject({
      code: 0,
      tenant_id: A,
      runs: 3,
      verified: 3,
      failed: 0,
      unsealed: 0,
      failed_runs: [],
    });
    expect(onlyB).toMatchObject({
      code: 0,
      tenant_id: B,
      runs: 2,
      verified: 2,
      failed: 0,
      unsealed: 0,
      failed_runs: [],
    });
    expect(all.stderr).toBe('');
  });

  it('fails (exit 1) when one run was tampered with, listing exactly that run; other tenants still pass', async () => {
    const target = runsOf.get(A)?.[1] ?? '';
    expect(
      await tamper(
        db.pool,
        'UPDATE aos_trace_steps SET cost_cents = cost_cents + 1 WHERE run_id = $1 AND step_index = 1',
        [target],
      ),
    ).toBe(1);

    const [all, onlyA, onlyB] = await Promise.all([verifyAll(), verifyAll(A), verifyAll(B)]);
    expect(all.code).toBe(1);
    expect(all).toMatchObject({ runs: 5, verified: 4, failed: 1, unsealed: 0, not_found: 0 });
    expect(all.failed_runs).toEqual([
      {
        tenant_id: A,
        run_id: target,
        reason: expect.any(String),
        divergence: {
          source: 'projection',
          seq: 4,
          field: 'aos_trace_steps.cost_cents',
          expected: 0,
          actual: 1,
        },
      },
    ]);
    expect(all.stderr).toContain(`FAILED ${A} ${target}: `);
    expect(onlyA).toMatchObject({ code: 1, runs: 3, verified: 2, failed: 1, failed_runs: all.failed_runs });
    expect(onlyB).toMatchObject({ code: 0, runs: 2, verified: 2, failed: 0, failed_runs: [] });

    const text = await runCli('aos-int', ['verify-all', '--tenant-id', A], env);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('failed: 1');
    expect(text.stdout).toContain(`  ${A} ${target}: ${all.failed_runs[0]?.reason}`);
  });

  it('fails a completed run whose seal is gone from the end of the ledger (exit 1), as aos proof does, and counts it as completed without a seal', async () => {
    const tenant = 'tenant-sweep-unsealed';
    const [first, last] = await sealRuns(tenant, 2);
    // The run's seal is the ledger's last entry: deleting it leaves no gap, only a completed run
    // without a seal. A run is sealed in the transaction that completes it, so that is a seal removed.
    expect(
      await tamper(db.pool, 'DELETE FROM aos_events WHERE stream_id = $1 AND seq = 1', [
        ledgerStream(tenant),
      ]),
    ).toBe(1);

    const proof = await runCli(
      'aos',
      ['proof', '--tenant-id', tenant, '--run-id', last ?? '', '--json'],
      env,
    );
    expect(proof.code).toBe(1);
    expect(
      jsonOf<{ integrity: { verification_status: string; divergence: unknown }; seal: unknown }>(proof),
    ).toMatchObject({
      integrity: {
        verification_status: 'FAILED',
        divergence: {
          source: 'checkpoint',
          seq: null,
          field: 'checkpoint',
          expected: 'present',
          actual: null,
        },
      },
      seal: { status: 'unsealed', key_id: null, ledger_index: null, sealed_at: null },
    });
    const swept = await verifyAll(tenant);
    expect(swept.code).toBe(1);
    expect(swept).toMatchObject({
      runs: 2,
      verified: 1,
      unsealed: 1,
      failed: 1,
      failed_runs: [
        {
          tenant_id: tenant,
          run_id: last,
          reason: expect.stringContaining('completed but the tenant ledger holds no seal'),
          divergence: { source: 'checkpoint', field: 'checkpoint' },
        },
      ],
    });
    expect(swept.failed_runs.map((f) => f.run_id)).not.toContain(first);
    const text = await runCli('aos-int', ['verify-all', '--tenant-id', tenant], env);
    expect(text.stdout).toContain('failed: 1 (of which completed without a seal: 1)');
  });

  it("fails every run of a tenant whose ledger has a gap, naming the ledger index, and no other tenant's", async () => {
    const tenant = 'tenant-sweep-gap';
    const ids = await sealRuns(tenant, 2);
    expect(
      await tamper(db.pool, 'DELETE FROM aos_events WHERE stream_id = $1 AND seq = 0', [
        ledgerStream(tenant),
      ]),
    ).toBe(1);

    const [swept, onlyB] = await Promise.all([verifyAll(tenant), verifyAll(B)]);
    expect(swept.code).toBe(1);
    expect(swept).toMatchObject({ runs: 2, verified: 0, failed: 2, unsealed: 0 });
    expect(swept.failed_runs.map((f) => f.run_id).sort()).toEqual([...ids].sort());
    for (const failure of swept.failed_runs) {
      expect(failure).toMatchObject({
        tenant_id: tenant,
        reason: 'the tenant ledger is damaged at index 0: expected seq 0, found 1',
      });
      expect(failure.divergence).toEqual({
        source: 'checkpoint',
        seq: null,
        field: 'ledger[0]',
        expected: 'a valid seal',
        actual: 'expected seq 0, found 1',
      });
    }
    expect(onlyB).toMatchObject({ code: 0, runs: 2, verified: 2, failed: 0 });
  });

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

  it('fails every run of a tenant whose ledger holds a seal altered to name another run (its signature no longer verifies)', async () => {
    const tenant = 'tenant-sweep-forged-seal';
    const [x, y] = await sealRuns(tenant, 2);
    // Someone with full write access (the one-seal-per-run index dropped) turns x's seal into a
    // second seal of y and removes x's seal index row: x reads as never sealed, y keeps its first seal.
    await db.pool.query('DROP INDEX IF EXISTS aos_events_one_seal_per_run');
    const { rows } = await db.pool.query<{ seq: number; data: string }>(
      'SELECT seq, data FROM aos_events WHERE stream_id = $1 ORDER BY seq',
      [ledgerStream(tenant)],
    );
    const sealOfX = rows.find((row) => row.data.includes(x ?? '-'));
    if (!sealOfX) throw new Error('no seal of x');
    expect(
      await tamper(
        db.pool,
        'UPDATE aos_events SET data = replace(data, $3, $4) WHERE stream_id = $1 AND seq = $2',
        [ledgerStream(tenant), sealOfX.seq, x, y],
      ),
    ).toBe(1);
    expect(await tamper(db.pool, 'DELETE FROM aos_run_seals WHERE run_id = $1', [x])).toBe(1);

    const swept = await verifyAll(tenant);
    expect(swept.code).toBe(1);
    expect(swept).toMatchObject({ runs: 2, verified: 0, failed: 2 });
    for (const failure of swept.failed_runs) {
      expect(failure.reason).toContain(`index ${sealOfX.seq}`);
      expect(failure.reason).toContain('signature does not verify');
    }
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
