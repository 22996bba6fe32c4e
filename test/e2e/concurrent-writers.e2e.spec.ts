import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runIdForIdempotencyKey } from '../../domain/run/idempotency-key.js';
import { jsonOf, runCli, type CliResult } from '../support/cli.js';
import { createAgent, tableCounts, withSigningKey } from '../support/cli-fixtures.js';
import {
  installEventGate,
  killHard,
  newRunId,
  runIdsOf,
  spawnCli,
  type CliChild,
  type EventGate,
} from '../support/cli-process.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import {
  executedStepIndexes,
  proveRun,
  runEvents,
  startedAttempts,
  typesOf,
  verdictOf,
  waitFor,
} from '../support/run-inspection.js';

/**
 * Two processes writing one run. The moment they meet is not left to chance: a test-only gate
 * trigger holds the contested append until both writers wait at it (visible in pg_locks), then
 * lets them go together. Plan: echo, wait, echo, wait, echo.
 */
const TENANT = 'tenant-writers';
const WAIT_MS = 300;
const STEPS = [
  { skill: 'echo', params: { message: '{{goal}}' } },
  { skill: 'wait', params: { ms: WAIT_MS } },
  { skill: 'echo', params: { message: 'middle' } },
  { skill: 'wait', params: { ms: WAIT_MS } },
  { skill: 'echo', params: { message: 'last' } },
];
const STEP_TYPES = STEPS.map(() => 'StepExecuted');

type ErrorJson = { error: { code: string; message: string; field?: string } };
type RunJson = {
  run_id: string;
  status: string;
  created: boolean;
  idempotency_key: string;
  integrity: { verification_status: string };
};

describe('concurrent writers of one run: exactly one goes on, the other appends nothing', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let gate: EventGate;
  let agentId: string;
  const running: CliChild[] = [];

  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url });
    gate = await installEventGate(db.pool);
    agentId = await createAgent(env, TENANT, STEPS);
  });
  afterEach(async () => gate.release()); // a failed test must not leave the gate closed for the next
  afterAll(async () => {
    for (const cli of running) cli.child.kill('SIGKILL');
    await gate.close();
    await db.drop();
  });

  const spawn = (args: string[]) => {
    const cli = spawnCli('aos', [...args, '--tenant-id', TENANT, '--json'], env);
    running.push(cli);
    return cli;
  };
  const startRun = async () => {
    const known = await runIdsOf(db.pool, TENANT);
    const cli = spawn(['run', '--agent-id', agentId, '--goal', 'contested']);
    return { cli, runId: await newRunId(db.pool, TENANT, known) };
  };
  const eventCounts = async () =>
    (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM aos_events')).rows[0]?.n;
  const expectOneWriterFinished = async (runId: string, attempts: number[]) => {
    const events = await runEvents(db.pool, runId);
    expect(executedStepIndexes(events)).toEqual([0, 1, 2, 3, 4]);
    expect(startedAttempts(events)).toEqual(attempts);
    expect(events.filter((e) => e.type === 'RunCompleted').map((e) => e.data)).toEqual([
      { status: 'succeeded' },
    ]);
    expect(verdictOf(await proveRun(env, TENANT, runId))).toEqual({
      code: 0,
      verification_status: 'VERIFIED',
      divergence: null,
      seal: 'sealed',
    });
    return events;
  };
  /** The loser's JSON error: its append at `expected` met an event another writer put there first. */
  const concurrentWriterError = (result: CliResult, runId: string, expected: number) => {
    expect(result.code, result.stderr).toBe(1);
    const { error } = jsonOf<ErrorJson>(result);
    expect(error.code).toBe('concurrent_writer');
    const prefix = `another process is executing this run (it appended to aos-run-${runId} first: expected version ${expected}, found `;
    expect(error.message.startsWith(prefix), error.message).toBe(true);
    expect(error.message.slice(prefix.length)).toMatch(
      /^\d+\); this one stopped, and the append it was making wrote nothing$/,
    );
    expect(Number(/found (\d+)/.exec(error.message)?.[1])).toBeGreaterThan(expected);
  };

  it('two aos runs resume started together after a kill -9: one exits 0, the other concurrent_writer having appended nothing', async () => {
    const { cli, runId } = await startRun();
    await waitFor('step 0 recorded', async () =>
      (await runEvents(db.pool, runId)).length >= 4 ? true : undefined,
    );
    await killHard(cli); // the wait step 1 was running
    expect(typesOf(await runEvents(db.pool, runId))).toEqual([
      'RunCreated',
      'RunPlanned',
      'RunStarted',
      'StepExecuted',
    ]);
    await gate.hold('RunStarted', 4);
    const resumes = [0, 1].map(() => spawn(['runs', 'resume', '--run-id', runId]));
    await gate.waiters(2); // both loaded the run at version 4 and are appending RunStarted attempt 2
    await gate.release();
    const results = await Promise.all(resumes.map((r) => r.done));
    const winners = results.filter((r) => r.code === 0);
    expect(winners).toHaveLength(1);
    expect(jsonOf(winners[0] as CliResult)).toMatchObject({
      run_id: runId,
      status: 'succeeded',
      integrity: { verification_status: 'VERIFIED' },
      seal: { status: 'sealed' },
    });
    concurrentWriterError(results.find((r) => r.code !== 0) as CliResult, runId, 4);
    const events = await expectOneWriterFinished(runId, [1, 2]);
    expect(typesOf(events)).toEqual([
      'RunCreated',
      'RunPlanned',
      'RunStarted',
      'StepExecuted',
      'RunStarted',
      ...STEP_TYPES.slice(1),
      'RunCompleted',
    ]);
  });

  it('a resume while the original process still runs: the resume goes on, the original stops at its next append', async () => {
    await gate.hold('StepExecuted', 4);
    const { cli, runId } = await startRun();
    await gate.waiters(1); // the original ran the wait step 1 and is appending its record
    const resume = spawn(['runs', 'resume', '--run-id', runId]);
    await waitFor('the resume claiming the run', async () =>
      (await runEvents(db.pool, runId))[4]?.type === 'RunStarted' ? true : undefined,
    );
    await gate.release(); // (held open, the original's transaction would also hold back every projector)
    concurrentWriterError(await cli.done, runId, 4);
    const resumed = await resume.done;
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(jsonOf(resumed)).toMatchObject({
      run_id: runId,
      status: 'succeeded',
      integrity: { verification_status: 'VERIFIED' },
      seal: { status: 'sealed' },
    });
    const events = await expectOneWriterFinished(runId, [1, 2]);
    expect(typesOf(events)).toEqual([
      'RunCreated',
      'RunPlanned',
      'RunStarted',
      'StepExecuted',
      'RunStarted',
      ...STEP_TYPES.slice(1),
      'RunCompleted',
    ]);
  });

  describe('aos run --idempotency-key', () => {
    const runWithKey = async (key: string, goal = 'keyed goal', extra: string[] = []) => {
      const result = await runCli(
        'aos',
        [
          'run',
          '--tenant-id',
          TENANT,
          '--agent-id',
          agentId,
          '--goal',
          goal,
          '--idempotency-key',
          key,
          '--json',
          ...extra,
        ],
        env,
      );
      return { result, json: jsonOf<RunJson & ErrorJson>(result) };
    };

    it('creates one run for a key used twice in a row: the second call returns it, created false, executing nothing', async () => {
      const key = `order-42:${'!~#'.repeat(60)}${'k'.repeat(11)}`; // 200 printable ASCII characters
      expect(key).toHaveLength(200);
      const first = await runWithKey(key);
      expect(first.result.code, first.result.stderr).toBe(0);
      expect(first.json).toMatchObject({
        run_id: runIdForIdempotencyKey(TENANT, key),
        status: 'succeeded',
        created: true,
        idempotency_key: key,
      });
      const before = await eventCounts();
      const second = await runWithKey(key);
      expect(second.result.code, second.result.stderr).toBe(0);
      expect(second.json).toMatchObject({
        run_id: first.json.run_id,
        status: 'succeeded',
        created: false,
        integrity: { verification_status: 'VERIFIED' },
      });
      expect(second.result.stderr).toBe('');
      expect(second.json).toMatchObject({ note: expect.stringContaining('nothing was executed again') });
      expect(first.json).not.toHaveProperty('note');
      expect(await eventCounts()).toBe(before);
      expect(
        typesOf(await runEvents(db.pool, first.json.run_id)).filter((t) => t === 'RunCreated'),
      ).toHaveLength(1);
    });

    it('creates one run for a key sent by two processes at the same moment', async () => {
      const key = 'nightly-2024-06-01';
      await gate.hold('RunCreated', 0);
      const both = [0, 1].map(() =>
        spawn(['run', '--agent-id', agentId, '--goal', 'keyed goal', '--idempotency-key', key]),
      );
      await gate.waiters(2); // both found no run under the key and are appending RunCreated
      await gate.release();
      const results = await Promise.all(both.map((c) => c.done));
      const docs = results.map((r) => jsonOf<RunJson>(r));
      const runId = runIdForIdempotencyKey(TENANT, key);
      expect(docs.map((d) => d.run_id)).toEqual([runId, runId]);
      expect(docs.map((d) => d.created).sort()).toEqual([false, true]);
      const winner = results[docs.findIndex((d) => d.created)] as CliResult;
      const loser = results[docs.findIndex((d) => !d.created)] as CliResult;
      expect(winner.code, winner.stderr).toBe(0);
      expect(jsonOf<RunJson>(winner).status).toBe('succeeded');
      // The loser met the run while the winner was still executing it (a wait step is in the plan).
      expect({ code: loser.code, status: jsonOf<RunJson>(loser).status }).toEqual({
        code: 1,
        status: 'in_progress',
      });
      const events = await expectOneWriterFinished(runId, [1]);
      expect(typesOf(events)).toEqual([
        'RunCreated',
        'RunPlanned',
        'RunStarted',
        ...STEP_TYPES,
        'RunCompleted',
      ]);
      const later = await runWithKey(key);
      expect({ code: later.result.code, created: later.json.created, status: later.json.status }).toEqual({
        code: 0,
        created: false,
        status: 'succeeded',
      });
    });

    it.each([
      ['a different goal', 'goal', ['other goal', []]],
      ['a different budget', 'budget_cents', ['keyed goal', ['--budget-cents', '7']]],
    ] as const)(
      'refuses the key with %s: exit 2 naming idempotency-key, nothing written',
      async (_label, field, [goal, extra]) => {
        const key = `reused-${field}`;
        const first = await runWithKey(key);
        expect(first.result.code, first.result.stderr).toBe(0);
        const before = await tableCounts(db.pool);
        const again = await runWithKey(key, goal, [...extra]);
        expect(again.result.code).toBe(2);
        expect(again.json.error).toEqual({
          code: 'invalid_input',
          field: 'idempotency-key',
          message: `--idempotency-key: is already used by run ${first.json.run_id} with a different ${field}; nothing was written`,
        });
        expect(await tableCounts(db.pool)).toEqual(before);
      },
    );

    it.each([
      ['empty', '', 'must not be empty'],
      ['with a space', 'two words', 'expected printable ASCII without spaces'],
      ['with a control character', 'tab\there', 'expected printable ASCII without spaces'],
      ['of 201 characters', 'k'.repeat(201), 'must be at most 200 characters (got 201)'],
    ])('refuses a key %s: exit 2, nothing written', async (_label, key, message) => {
      const before = await tableCounts(db.pool);
      const refused = await runWithKey(key);
      expect(refused.result.code).toBe(2);
      expect(refused.json.error).toEqual({
        code: 'invalid_input',
        field: 'idempotency-key',
        message: `--idempotency-key: ${message}`,
      });
      expect(await tableCounts(db.pool)).toEqual(before);
    });
  });
});
