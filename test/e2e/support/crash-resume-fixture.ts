import { expect } from 'vitest';
import { jsonOf, runCli } from '../../support/cli.js';
import { runIdsOf, spawnCli } from '../../support/cli-process.js';
import {
  executedStepIndexes,
  proveRun,
  runEvents,
  startedAttempts,
  traceStepIndexes,
  typesOf,
  verdictOf,
} from '../../support/run-inspection.js';
import { gatedRuns } from './gated-runs.js';

/**
 * A run's process killed with SIGKILL at exact points, then `aos runs resume`. The kill points are
 * not guessed with sleeps: a test-only gate trigger holds the append of a chosen event, the process
 * is frozen (SIGSTOP), the append commits, and only then the process is killed; or the test waits
 * for a condition (a step record, the server receiving a request) and kills while the next step
 * is certainly running. Plan: echo, wait, echo, wait, echo; events RunCreated 0, RunPlanned 1,
 * RunStarted 2, StepExecuted 3..7, RunCompleted 8.
 */
export const TENANT = 'tenant-crash';
export const WAIT_MS = 300;
export const STEPS = [
  { skill: 'echo', params: { message: '{{goal}}' } },
  { skill: 'wait', params: { ms: WAIT_MS } },
  { skill: 'echo', params: { message: 'middle' } },
  { skill: 'wait', params: { ms: WAIT_MS } },
  { skill: 'echo', params: { message: 'last' } },
];
export const FULL = [
  'RunCreated',
  'RunPlanned',
  'RunStarted',
  ...STEPS.map(() => 'StepExecuted'),
  'RunCompleted',
];

type ResumeJson = {
  run_id: string;
  status: string;
  attempt: number | null;
  step_count: number;
  integrity: { verification_status: string };
  seal: { status: string };
};

/** The crash-resume tests' run (test/e2e/crash-resume-*.e2e.spec.ts): the gated database and agent,
 * and the helpers that start, resume and check it. */
export const crashResume = () => {
  const runs = gatedRuns(TENANT, STEPS);
  const { db, env, running } = runs;

  const startRun = async (agent = runs.agentId) => {
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

  return Object.assign(runs, { startRun, resume, traceRow, expectResumedToTheEnd });
};
