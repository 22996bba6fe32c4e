import { describe, expect, it } from 'vitest';
import { runGoal } from '../support/cli-fixtures.js';
import { killHard, newRunId } from '../support/cli-process.js';
import {
  proveRun,
  runEvents,
  startedAttempts,
  typesOf,
  verdictOf,
  waitFor,
} from '../support/run-inspection.js';
import { FULL, STEPS, TENANT, crashResume } from './support/crash-resume-fixture.js';

/** A run killed inside the transaction that completes and seals it, and a completed run resumed:
 * no run is left completed without its seal, and a completed one is returned unchanged. */
describe('crash and resume: a run killed with SIGKILL at any point is continued by aos runs resume', () => {
  const crash = crashResume();
  const { db, env, gate, startRun, resume } = crash;

  /** Starts a run and kills it inside the transaction that completes and seals it: its last step's
   * record and RunCompleted are inserted (the gate held them, then let them through while the
   * process was stopped), the seal is not, and nothing is committed. The backend is ended as the
   * server would end it on the dead connection, so the transaction is rolled back before the test
   * looks. */
  const killInsideCompletion = async (): Promise<string> => {
    await gate.hold('RunCompleted', FULL.length - 1);
    const run = await startRun();
    const [backend] = await gate.waiters(1);
    run.cli.child.kill('SIGSTOP');
    await gate.release();
    await waitFor('RunCompleted inserted, not committed', async () =>
      (
        await db.pool.query(
          "SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'idle in transaction'",
          [backend],
        )
      ).rowCount === 1
        ? true
        : undefined,
    );
    await killHard(run.cli);
    await db.pool.query('SELECT pg_terminate_backend($1)', [backend]);
    return newRunId(db.pool, TENANT, run.known);
  };
  const sealsOf = async (runId: string) =>
    (
      await db.pool.query('SELECT seq FROM aos_events WHERE stream_id = $1 AND data LIKE $2', [
        `aos-ledger-${TENANT}`,
        `%${runId}%`,
      ])
    ).rowCount;

  // RunCompleted and the run's seal are one transaction: a process killed inside it leaves neither
  // (nor the last step's record, appended with them), so resume runs the last step and completes
  // and seals the run; no run is left completed without its seal.
  it('killed inside the transaction of RunCompleted and its seal: neither lands, and resume completes and seals the run', async () => {
    const runId = await killInsideCompletion();
    expect(typesOf(await runEvents(db.pool, runId))).toEqual(FULL.slice(0, FULL.length - 2));
    expect(await sealsOf(runId)).toBe(0);
    const resumed = await resume(runId);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed).toMatchObject({
      status: 'succeeded',
      seal: { status: 'sealed' },
      integrity: { verification_status: 'VERIFIED' },
    });
    expect((resumed as unknown as { note?: string }).note).toBeUndefined();
    expect(typesOf(await runEvents(db.pool, runId))).toEqual([
      ...FULL.slice(0, FULL.length - 2),
      'RunStarted',
      ...FULL.slice(FULL.length - 2),
    ]);
    expect(await sealsOf(runId)).toBe(1);
    expect(verdictOf(await proveRun(env, TENANT, runId))).toEqual({
      code: 0,
      verification_status: 'VERIFIED',
      divergence: null,
      seal: 'sealed',
    });
  });

  it('proves a run killed inside the transaction of RunCompleted and its seal VERIFIED and not completed (the projections catch up first)', async () => {
    const runId = await killInsideCompletion();
    // Nothing was tampered with: the dead process had not projected its last commit yet.
    expect(verdictOf(await proveRun(env, TENANT, runId))).toEqual({
      code: 0,
      verification_status: 'VERIFIED',
      divergence: null,
      seal: 'not_completed',
    });
  });

  it('returns a completed run unchanged: no new event anywhere, exit 0', async () => {
    const run = await runGoal(env, TENANT, crash.agentId, 'complete me');
    expect(run.result.code, run.result.stderr).toBe(0);
    const before = (
      await db.pool.query('SELECT count(*)::int AS n, max(global_position)::text AS last FROM aos_events')
    ).rows[0];
    const resumed = await resume(run.run_id);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed).toMatchObject({
      run_id: run.run_id,
      status: 'succeeded',
      attempt: 1,
      step_count: STEPS.length,
      integrity: { verification_status: 'VERIFIED' },
      seal: { status: 'sealed' },
    });
    expect((resumed as unknown as { note: string }).note).toBe(
      `run ${run.run_id} had already completed: no step was run`,
    );
    expect(
      (await db.pool.query('SELECT count(*)::int AS n, max(global_position)::text AS last FROM aos_events'))
        .rows[0],
    ).toEqual(before);
    expect(startedAttempts(await runEvents(db.pool, run.run_id))).toEqual([1]);
  });
});
