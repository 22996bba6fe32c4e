import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { createAgent, runGoal, withSigningKey } from '../support/cli-fixtures.js';
import {
  installEventGate,
  killHard,
  killRightAfter,
  newRunId,
  runIdsOf,
  spawnCli,
  type CliChild,
  type EventGate,
} from '../support/cli-process.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { sendJson, startLocalServer, type LocalServer } from '../support/local-http-server.js';
import {
  executedStepIndexes,
  proveRun,
  runEvents,
  startedAttempts,
  traceStepIndexes,
  typesOf,
  verdictOf,
  waitFor,
} from '../support/run-inspection.js';

/**
 * A run's process killed with SIGKILL at exact points, then `aos runs resume`. The kill points are
 * not guessed with sleeps: a test-only gate trigger holds the append of a chosen event, the process
 * is frozen (SIGSTOP), the append commits, and only then the process is killed; or the test waits
 * for a condition (a step record, the server receiving a request) and kills while the next step
 * is certainly running. Plan: echo, wait, echo, wait, echo; events RunCreated 0, RunPlanned 1,
 * RunStarted 2, StepExecuted 3..7, RunCompleted 8.
 */
const TENANT = 'tenant-crash';
const WAIT_MS = 300;
const STEPS = [
  { skill: 'echo', params: { message: '{{goal}}' } },
  { skill: 'wait', params: { ms: WAIT_MS } },
  { skill: 'echo', params: { message: 'middle' } },
  { skill: 'wait', params: { ms: WAIT_MS } },
  { skill: 'echo', params: { message: 'last' } },
];
const FULL = ['RunCreated', 'RunPlanned', 'RunStarted', ...STEPS.map(() => 'StepExecuted'), 'RunCompleted'];

type ResumeJson = {
  run_id: string;
  status: string;
  attempt: number | null;
  step_count: number;
  integrity: { verification_status: string };
  seal: { status: string };
};

describe('crash and resume: a run killed with SIGKILL at any point is continued by aos runs resume', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let gate: EventGate;
  let server: LocalServer;
  let agentId: string;
  const running: CliChild[] = [];

  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url });
    gate = await installEventGate(db.pool);
    // The first request to a path hangs (the step is in flight when the process dies); later ones answer.
    server = await startLocalServer((_hit, response, n) =>
      n === 1 ? undefined : sendJson(response, 200, { ok: true }),
    );
    agentId = await createAgent(env, TENANT, STEPS);
  });
  afterEach(async () => gate.release()); // a failed test must not leave the gate closed for the next
  afterAll(async () => {
    for (const cli of running) cli.child.kill('SIGKILL');
    await gate.close();
    await server.close();
    await db.drop();
  });

  const startRun = async (agent = agentId) => {
    const known = await runIdsOf(db.pool, TENANT);
    const cli = spawnCli(
      'aos',
      ['run', '--tenant-id', TENANT, '--agent-id', agent, '--goal', 'crash me', '--json'],
      env,
    );
    running.push(cli);
    return { cli, known, tenantId: TENANT };
  };
  const resume = async (runId: string, extra: string[] = []) => {
    const result = await runCli(
      'aos',
      ['runs', 'resume', '--tenant-id', TENANT, '--run-id', runId, '--json', ...extra],
      env,
    );
    return { code: result.code, stderr: result.stderr, ...jsonOf<ResumeJson>(result) };
  };
  const runRow = async (runId: string) =>
    (await db.pool.query('SELECT status, attempt, version FROM runs WHERE run_id = $1', [runId])).rows[0];
  const traceRow = async (runId: string) =>
    (await db.pool.query('SELECT status, step_count, error_code FROM aos_traces WHERE run_id = $1', [runId]))
      .rows[0];

  /** What every resumed run must show: each step exactly once in the store and in the trace, the
   * expected RunStarted attempts, succeeded, VERIFIED and sealed. */
  const expectResumedToTheEnd = async (runId: string, expectedTypes: string[], attempts: number[]) => {
    const resumed = await resume(runId);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed).toMatchObject({
      run_id: runId,
      status: 'succeeded',
      step_count: STEPS.length,
      integrity: { verification_status: 'VERIFIED' },
      seal: { status: 'sealed' },
    });
    const events = await runEvents(db.pool, runId);
    expect(typesOf(events)).toEqual(expectedTypes);
    expect(executedStepIndexes(events)).toEqual([0, 1, 2, 3, 4]);
    expect(startedAttempts(events)).toEqual(attempts);
    expect(events.every((e) => e.type !== 'StepExecuted' || e.data.status === 'succeeded')).toBe(true);
    expect(await traceStepIndexes(db.pool, runId)).toEqual([0, 1, 2, 3, 4]);
    expect(await traceRow(runId)).toEqual({
      status: 'succeeded',
      step_count: STEPS.length,
      error_code: null,
    });
    expect(await runRow(runId)).toEqual({
      status: 'succeeded',
      attempt: attempts.at(-1),
      version: expectedTypes.length,
    });
    expect(verdictOf(await proveRun(env, TENANT, runId))).toEqual({
      code: 0,
      verification_status: 'VERIFIED',
      divergence: null,
      seal: 'sealed',
    });
  };

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
    const agent = await createAgent(env, TENANT, pureFirst);
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
    const run = await runGoal(env, TENANT, agentId, 'complete me');
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

  describe('a step with side effects in flight at the kill (http_call, the server got the request)', () => {
    it.each([
      ['POST', 'is recorded as failed STEP_INTERRUPTED and not sent again', [], false],
      ['POST', 'is sent again with --rerun-interrupted', ['--rerun-interrupted'], true],
      ['PUT', 'is sent again without the flag: PUT is idempotent', [], true],
    ] as const)('%s %s', async (method, _label, flags, rerun) => {
      const path = `/side-effect-${method}-${flags.length}`;
      const agent = await createAgent(
        env,
        TENANT,
        [
          { skill: 'echo', params: { message: '{{goal}}' } },
          { skill: 'http_call', params: { method, url: `${server.base}${path}`, body: { order: 1 } } },
          { skill: 'echo', params: { message: 'after' } },
        ],
        ['--allowed-host', server.host],
      );
      const run = await startRun(agent);
      const runId = await newRunId(db.pool, TENANT, run.known);
      await waitFor('the request at the server', async () =>
        server.hitsTo(path).length === 1 ? true : undefined,
      );
      await killHard(run.cli);
      expect(typesOf(await runEvents(db.pool, runId))).toEqual([
        'RunCreated',
        'RunPlanned',
        'RunStarted',
        'StepExecuted',
      ]);

      const resumed = await resume(runId, [...flags]);
      expect(resumed.code, resumed.stderr).toBe(rerun ? 0 : 1);
      expect(resumed).toMatchObject({
        status: rerun ? 'succeeded' : 'failed',
        integrity: { verification_status: 'VERIFIED' },
        seal: { status: 'sealed' },
      });
      expect(server.hitsTo(path).map((h) => [h.method, JSON.parse(h.body)])).toEqual(
        (rerun ? [1, 2] : [1]).map(() => [method, { order: 1 }]),
      );
      const events = await runEvents(db.pool, runId);
      expect(startedAttempts(events)).toEqual([1, 2]);
      expect(executedStepIndexes(events)).toEqual(rerun ? [0, 1, 2] : [0, 1]);
      const step = events.find((e) => e.type === 'StepExecuted' && e.data.step_index === 1)?.data;
      if (rerun) {
        expect(step).toMatchObject({
          status: 'succeeded',
          outcome: { category: 'success', code: 'HTTP_200' },
          retry_count: 0,
        });
      } else {
        expect(step).toMatchObject({
          status: 'failed',
          outcome: { category: 'interrupted', code: 'STEP_INTERRUPTED' },
          cost_cents: 0,
          retry_count: 0,
        });
        expect(JSON.stringify(step)).toContain('--rerun-interrupted');
        expect(events.at(-1)?.data).toEqual({
          status: 'failed',
          error: {
            code: 'STEP_FAILED',
            message: 'step 1 (http_call) failed: STEP_INTERRUPTED',
            step_index: 1,
          },
        });
        expect(await traceRow(runId)).toEqual({ status: 'failed', step_count: 2, error_code: 'STEP_FAILED' });
      }
      expect(verdictOf(await proveRun(env, TENANT, runId))).toEqual({
        code: 0,
        verification_status: 'VERIFIED',
        divergence: null,
        seal: 'sealed',
      });
    });
  });
});
