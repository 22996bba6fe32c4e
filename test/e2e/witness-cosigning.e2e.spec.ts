import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { killHard } from '../support/cli-process.js';
import { witnessedLedger } from './support/witnessed-ledger-fixture.js';

/** Issue 17, point 2, end to end: two witnesses, a 2-of-2 policy; one witness down leaves the head
 * uncosigned and the bundle failing the policy, until `aos-int ledger cosign` completes it. */
describe('the log asks its witnesses after sealing', () => {
  const tenant = 'tenant-witnessed';
  const ledger = witnessedLedger(tenant);

  it('seals a run cosigned by both witnesses: the head carries both cosignatures, the bundle verifies 2-of-2', async () => {
    const run = await ledger.sealRun();
    const head = await runCli('aos', ['ledger', 'head', '--tenant-id', tenant], ledger.env);
    expect(head.code, head.stderr).toBe(0);
    const lines = head.stdout.split('\n').filter((l) => l.startsWith('\u2014 '));
    expect(lines.map((l) => l.split(' ')[1])).toEqual(['aos.runproof', 'witness.test/w1', 'witness.test/w2']);
    const verdict = await ledger.verifyExported(run.run_id);
    expect(verdict.code, verdict.stderr).toBe(0);
    expect(verdict.witnesses).toMatchObject({ met: true, cosigned_by: ['w1', 'w2'] });
    expect(await ledger.uncosignedHeads()).toEqual([]);
  });

  it('with a witness down: sealing goes on, the head is uncosigned, verification fails the policy; back up, ledger cosign completes it', async () => {
    const down = ledger.witnesses[1];
    if (down === undefined) throw new Error('two witnesses');
    await killHard(down);
    const run = await ledger.sealRun();
    expect(run.result.stderr).toContain('not cosigned by every witness');
    expect(await ledger.uncosignedHeads()).toMatchObject([{ tree_size: 2, cosigned_by: ['w1'] }]);
    const failing = await ledger.verifyExported(run.run_id);
    expect(failing.code).toBe(1);
    expect(failing.integrity).toMatchObject({
      verification_status: 'FAILED',
      divergence: { source: 'checkpoint', field: 'ledger.tree_head.cosignatures', actual: 'w1' },
    });
    expect((await ledger.cosign()).code).toBe(1);

    await ledger.startNth(1, down.port);
    const cosigned = await ledger.cosign();
    expect(cosigned.code, cosigned.stdout + cosigned.stderr).toBe(0);
    expect(await ledger.uncosignedHeads()).toEqual([]);
    const passing = await ledger.verifyExported(run.run_id);
    expect(passing.code, passing.stderr).toBe(0);
    expect(passing.witnesses).toMatchObject({ met: true, cosigned_by: ['w1', 'w2'] });
  });
});
