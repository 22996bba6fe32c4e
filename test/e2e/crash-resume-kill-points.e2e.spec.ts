import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { registerAgent } from '../support/in-process-fixtures.js';
import { killHard, killRightAfter, newRunId } from '../support/cli-process.js';
import {
  executedStepIndexes,
  runEvents,
  startedAttempts,
  traceStepIndexes,
  typesOf,
  waitFor,
} from '../support/run-inspection.js';
import { FULL, TENANT, WAIT_MS, crashResume } from './support/crash-resume-fixture.js';

/** A run killed with SIGKILL at each point between its appends (right after an append committed,
 * during a wait step, while pure steps' records wait for their append), then resumed to the end. */
describe('crash and resume: a run killed with SIGKILL at any point is continued by aos runs resume', () => {
  const { db, env, gate, startRun, resume, expectResumedToTheEnd } = crashResume();

  // RunCreated, RunPlanned and RunStarted are one append (one commit), and so are the last step and
  // RunCompleted: a process can die before or after each, never in between (a stream left created
  // or planned by another writer is resumed too: test/run/run-resumption.int.spec.ts).
  it.each([
    [
      'after the opening append (RunCreated, RunPlanned, RunStarted), before the first StepExecuted',
      'RunStarted',
      2,
    ],
    ['between steps: after step 0, before the wait step 1 starts', 'StepExecuted', 3],
    ['between steps: after the wait step 1, before step 2 starts', 'StepExecuted', 4],
    ['between steps: after step 3, before the last step starts', 'StepExecuted', 6],
  ])('killed %s (right after %s at seq %i)', async (_label, type, seq) => {
    await gate.hold(type, seq);
    const run = await startRun();
    const runId = await killRightAfter(db.pool, gate, run.cli, run, type, seq);
    expect(typesOf(await runEvents(db.pool, runId))).toEqual(FULL.slice(0, seq + 1));
    const started = seq >= 2;
    const expected = started ? [...FULL.slice(0, seq + 1), 'RunStarted', ...FULL.slice(seq + 1)] : FULL;
    await expectResumedToTheEnd(runId, expected, started ? [1, 2] : [1]);
  });

  it.each([
    ['the wait step 1', 3],
    ['the wait step 3', 5],
  ])('killed while %s is running: the idempotent wait runs again, once', async (_label, lastSeq) => {
    const run = await startRun();
    const runId = await newRunId(db.pool, TENANT, run.known);
    await waitFor(`StepExecuted at seq ${lastSeq}`, async () =>
      (await runEvents(db.pool, runId)).length >= lastSeq + 1 ? true : undefined,
    );
    await killHard(run.cli);
    // The wait takes WAIT_MS: killed within it, nothing after its predecessor was recorded.
    expect(typesOf(await runEvents(db.pool, runId))).toEqual(FULL.slice(0, lastSeq + 1));
    await expectResumedToTheEnd(
      runId,
      [...FULL.slice(0, lastSeq + 1), 'RunStarted', ...FULL.slice(lastSeq + 1)],
      [1, 2],
    );
    const rerun = (await runEvents(db.pool, runId)).find(
      (e) => e.type === 'StepExecuted' && e.data.step_index === lastSeq - 2,
    );
    expect(rerun?.data).toMatchObject({
      skill: 'wait',
      status: 'succeeded',
      outcome: { data: { waited_ms: WAIT_MS } },
    });
    expect(rerun?.data.duration_ms).toBeGreaterThanOrEqual(WAIT_MS - 1);
  });

  it('killed while the records of pure steps wait for their append: none is stored, and resume runs those steps again, each recorded once', async () => {
    // echo, echo, echo are pure: their records go to the store together, just before the wait (not
    // pure) starts. The process is killed while that append waits at the gate, before it commits.
    const pureFirst = [
      { skill: 'echo', params: { message: 'p0' } },
      { skill: 'echo', params: { message: 'p1' } },
      { skill: 'echo', params: { message: 'p2' } },
      { skill: 'wait', params: { ms: 1 } },
      { skill: 'echo', params: { message: 'p4' } },
    ];
    const agent = await registerAgent(env, TENANT, pureFirst);
    await gate.hold('StepExecuted', 3);
    const run = await startRun(agent);
    const runId = await newRunId(db.pool, TENANT, run.known);
    const [backend] = await gate.waiters(1);
    await killHard(run.cli);
    // Postgres notices a dead client only when it next talks to it: a statement waiting on a lock
    // would still commit once the gate opens. End it as the server would on a broken connection.
    await db.pool.query('SELECT pg_terminate_backend($1)', [backend]);
    await gate.release();
    expect(typesOf(await runEvents(db.pool, runId))).toEqual(['RunCreated', 'RunPlanned', 'RunStarted']);
    const resumed = await resume(runId);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed).toMatchObject({
      status: 'succeeded',
      step_count: 5,
      integrity: { verification_status: 'VERIFIED' },
      seal: { status: 'sealed' },
    });
    const events = await runEvents(db.pool, runId);
    expect(typesOf(events)).toEqual([
      'RunCreated',
      'RunPlanned',
      'RunStarted',
      'RunStarted',
      ...pureFirst.map(() => 'StepExecuted'),
      'RunCompleted',
    ]);
    expect(executedStepIndexes(events)).toEqual([0, 1, 2, 3, 4]);
    expect(startedAttempts(events)).toEqual([1, 2]);
    expect(await traceStepIndexes(db.pool, runId)).toEqual([0, 1, 2, 3, 4]);
  });

  it('shows a run whose process died before projecting it in runs get and runs list, as the store has it', async () => {
    await gate.hold('StepExecuted', 3);
    const run = await startRun();
    const runId = await killRightAfter(db.pool, gate, run.cli, run, 'StepExecuted', 3);
    const got = await runCli('aos', ['runs', 'get', '--tenant-id', TENANT, '--run-id', runId, '--json'], env);
    expect(got.code, got.stderr).toBe(0);
    expect(jsonOf<{ status: string; chain_length: number }>(got)).toMatchObject({
      status: 'running',
      chain_length: 4,
    });
    const listed = await runCli('aos', ['runs', 'list', '--tenant-id', TENANT, '--json'], env);
    expect(jsonOf<{ runs: { run_id: string }[] }>(listed).runs.map((r) => r.run_id)).toContain(runId);
    await expectResumedToTheEnd(runId, [...FULL.slice(0, 4), 'RunStarted', ...FULL.slice(4)], [1, 2]);
  });
});
