import { describe, expect, it } from 'vitest';
import { jsonOf } from '../support/cli.js';
import { tamper } from '../support/cli-fixtures.js';
import { ledgerStream } from './support/tenant-ledger-fixture.js';
import { witnessedLedger } from './support/witnessed-ledger-fixture.js';

type Cosigned = {
  heads: Array<{
    tree_size: number;
    cosigned: boolean;
    witnesses: Array<{ outcome: string; detail: string | null }>;
  }>;
};

/** Issue 17, point 4: the operator truncates a tenant ledger (triggers bypassed, as a superuser
 * could) and reseals with the real key. The witnesses refuse the rolled-back head (409) and the
 * forks (409 at the size they cosigned, 422 beyond it); `aos verify` of a bundle carrying such a
 * head fails the 2-of-2 policy, naming why; a second head of a size already cosigned gets no
 * cosignature from the witnesses that cosigned the first. */
describe('rollback and split view, caught by the witnesses', () => {
  const tenant = 'tenant-forked';
  const ledger = witnessedLedger(tenant);
  const refusals = (cosigned: Cosigned) => cosigned.heads[0]?.witnesses.map((w) => w.detail?.slice(0, 3));
  const policyFailure = {
    verification_status: 'FAILED',
    divergence: { source: 'checkpoint', field: 'ledger.tree_head.cosignatures', actual: null },
  };

  it('refuses a rolled-back head (409), and the bundle that carries it fails the policy', async () => {
    const first = await ledger.sealRun();
    await ledger.sealRun();
    expect(await ledger.uncosignedHeads()).toEqual([]);
    expect(
      await tamper(ledger.db.pool, 'DELETE FROM aos_events WHERE stream_id = $1 AND seq = 1', [
        ledgerStream(tenant),
      ]),
    ).toBe(1);

    const rolledBack = await ledger.cosign();
    expect(rolledBack.code).toBe(1);
    const answer = jsonOf<Cosigned>(rolledBack);
    expect(answer.heads[0]).toMatchObject({ tree_size: 1, cosigned: false });
    expect(refusals(answer)).toEqual(['409', '409']);
    const verdict = await ledger.verifyExported(first.run_id);
    expect(verdict.code).toBe(1);
    expect(verdict.integrity).toMatchObject(policyFailure);
    expect(verdict.integrity.failure_reason).toBe(
      'the witness policy is not met: the tree head is cosigned by no witness, the quorum is 2 of (w1, w2)',
    );
  });

  it('refuses a fork of the size it cosigned (409): two heads of one size never both collect the quorum', async () => {
    const resealed = await ledger.sealRun();
    expect(resealed.result.stderr).toContain('not cosigned by every witness');
    expect(resealed.result.stderr).toContain('refused 409');
    expect(await ledger.uncosignedHeads()).toMatchObject([{ tree_size: 2, cosigned_by: [] }]);
    const verdict = await ledger.verifyExported(resealed.run_id);
    expect(verdict.code).toBe(1);
    expect(verdict.integrity).toMatchObject(policyFailure);
  });

  it('refuses the forked ledger grown past what it cosigned (422: the proof from its head fails)', async () => {
    const grown = await ledger.sealRun();
    expect(grown.result.stderr).toContain('refused 422');
    expect(await ledger.uncosignedHeads()).toMatchObject([{ tree_size: 3, cosigned_by: [] }]);
    const verdict = await ledger.verifyExported(grown.run_id);
    expect(verdict.code).toBe(1);
    expect(verdict.integrity).toMatchObject(policyFailure);
  });
});
