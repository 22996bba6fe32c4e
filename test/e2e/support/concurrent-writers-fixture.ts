import { expect } from 'vitest';
import { spawnCli } from '../../support/cli-process.js';
import {
  executedStepIndexes,
  proveRun,
  runEvents,
  startedAttempts,
  verdictOf,
} from '../../support/run-inspection.js';
import { gatedRuns } from './gated-runs.js';

/**
 * Two processes writing one run. The moment they meet is not left to chance: a test-only gate
 * trigger holds the contested append until both writers wait at it (visible in pg_locks), then
 * lets them go together. Plan: echo, wait, echo, wait, echo.
 */
export const TENANT = 'tenant-writers';
const WAIT_MS = 300;
const STEPS = [
  { skill: 'echo', params: { message: '{{goal}}' } },
  { skill: 'wait', params: { ms: WAIT_MS } },
  { skill: 'echo', params: { message: 'middle' } },
  { skill: 'wait', params: { ms: WAIT_MS } },
  { skill: 'echo', params: { message: 'last' } },
];
export const STEP_TYPES = STEPS.map(() => 'StepExecuted');

export type ErrorJson = { error: { code: string; message: string; field?: string } };
export type RunJson = {
  run_id: string;
  status: string;
  created: boolean;
  idempotency_key: string;
  integrity: { verification_status: string };
};

/** The concurrent-writers tests' runs (test/e2e/concurrent-writers-*.e2e.spec.ts): the gated
 * database and agent, the CLI started in a process of its own, and what a run one writer finished shows. */
export const concurrentWriters = () => {
  const runs = gatedRuns(TENANT, STEPS);
  const { db, env, running } = runs;

  const spawn = (args: string[]) => {
    const cli = spawnCli('aos', [...args, '--tenant-id', TENANT, '--json'], env);
    running.push(cli);
    return cli;
  };
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

  return Object.assign(runs, { spawn, expectOneWriterFinished });
};
