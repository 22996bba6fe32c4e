import { afterAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { agentTraceSpans, otlpBody } from '../support/otel-agent-trace.js';
import { waitFor } from '../support/run-inspection.js';
import { startServe, untilReady, type Served } from '../support/serve-process.js';
import { witnessedLedger } from './support/witnessed-ledger-fixture.js';

/** Observed runs sealed by aos serve go to the witnesses like runs executed here: after the pass
 * that sealed them, the tenant's new head is cosigned, and the bundle meets the 2-of-2 policy. */
describe('aos serve with witnesses configured', () => {
  const tenant = 'tenant-observed-witnessed';
  const ledger = witnessedLedger(tenant);
  let served: Served | undefined;
  afterAll(() => {
    served?.child.kill('SIGKILL');
  });

  it('has the head of an observed run cosigned by both witnesses, and its bundle meets the policy', async () => {
    served = await startServe(ledger.env, ['--quiet-period-ms', '200']);
    await untilReady(served);
    const created = await runCli(
      'aos-int',
      ['tokens', 'create', '--tenant-id', tenant, '--json'],
      ledger.env,
    );
    const { token } = jsonOf<{ token: string }>(created);
    const response = await fetch(`http://127.0.0.1:${served.port}/v1/traces`, {
      method: 'POST',
      body: otlpBody('protobuf', await agentTraceSpans()),
      headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    await waitFor('the head cosigned', async () =>
      served!.stderr().includes('"event":"head_cosigned"') ? true : undefined,
    );
    const runs = jsonOf<{ runs: { run_id: string }[] }>(
      await runCli('aos', ['runs', 'list', '--tenant-id', tenant, '--json'], ledger.env),
    ).runs;
    expect(runs).toHaveLength(1);
    const verdict = await ledger.verifyExported(runs[0]!.run_id);
    expect(verdict.code, verdict.stderr).toBe(0);
    expect(verdict.witnesses).toMatchObject({ met: true, cosigned_by: ['w1', 'w2'] });
    expect(await ledger.uncosignedHeads()).toEqual([]);
  });
});
