import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tamper } from '../support/cli-fixtures.js';
import { A, B, verifyAllSweep } from './support/verify-all-fixture.js';

/** The sweep over every tenant or one: all VERIFIED (exit 0), then one run tampered with, listed
 * alone (exit 1) while the other tenant still passes. The two tests run in this order. */
describe('aos-int verify-all', () => {
  const { db, env, runsOf, verifyAll } = verifyAllSweep();

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
});
