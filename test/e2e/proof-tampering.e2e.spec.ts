import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { runGoal } from '../support/cli-fixtures.js';
import { type TestDatabase } from '../support/fresh-database.js';
import { beforeAllEchoAgent } from '../support/echo-agent-database.js';

const TENANT = 'tenant-audit';
type ProofJson = { integrity: { verification_status: string } };

/** The database's own guards, before any proof: without superuser rights (triggers in place) the
 * store and the projections refuse edits. What `aos proof` finds when the triggers are bypassed is
 * the RUNPROOF tamper matrix, in tamper-matrix-*.e2e.spec.ts. */
describe('the database refuses tampering while its triggers are in place', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let agentId: string;

  beforeAllEchoAgent(TENANT, (given) => ({ db, env, agentId } = given));

  it('refuses hand-made rows and edits while the triggers are in place', async () => {
    const runId = (await runGoal(env, TENANT, agentId)).run_id;
    await expect(
      db.pool.query(`UPDATE aos_trace_steps SET status = 'failed' WHERE run_id = $1`, [runId]),
    ).rejects.toThrow(/projection/);
    await expect(db.pool.query(`DELETE FROM aos_traces WHERE run_id = $1`, [runId])).rejects.toThrow(
      /projection/,
    );
    await expect(
      db.pool.query(`UPDATE aos_events SET type = 'x' WHERE stream_id = $1`, [`aos-run-${runId}`]),
    ).rejects.toThrow(/append-only/);
    await expect(
      db.pool.query(`DELETE FROM aos_events WHERE stream_id = $1`, [`aos-ledger-${TENANT}`]),
    ).rejects.toThrow(/append-only/);
    const proof = await runCli('aos', ['proof', '--tenant-id', TENANT, '--run-id', runId, '--json'], env);
    expect(proof.code).toBe(0);
    expect(jsonOf<ProofJson>(proof).integrity.verification_status).toBe('VERIFIED');
  });
});
