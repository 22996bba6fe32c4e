import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { tamper } from '../support/cli-fixtures.js';
import { B, ledgerStream, verifyAllSweep } from './support/verify-all-fixture.js';

/** The sweep of a tenant whose ledger was tampered with: its last seal deleted, a gap in it, a seal
 * altered to name another run. */
describe('aos-int verify-all', () => {
  const { db, env, sealRuns, verifyAll } = verifyAllSweep();

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
});
