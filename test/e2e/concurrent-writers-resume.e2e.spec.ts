import { describe, expect, it } from 'vitest';
import { jsonOf, type CliResult } from '../support/cli.js';
import { killHard, newRunId, runIdsOf } from '../support/cli-process.js';
import { runEvents, typesOf, waitFor } from '../support/run-inspection.js';
import {
  STEP_TYPES,
  TENANT,
  concurrentWriters,
  type ErrorJson,
} from './support/concurrent-writers-fixture.js';

/** Two writers of one run: two resumes of a killed run, or a resume beside the original process.
 * The writer that appends first goes on; the other stops with concurrent_writer, having appended nothing. */
describe('concurrent writers of one run: exactly one goes on, the other appends nothing', () => {
  const writers = concurrentWriters();
  const { db, gate, spawn, expectOneWriterFinished } = writers;

  const startRun = async () => {
    const known = await runIdsOf(db.pool, TENANT);
    const cli = spawn(['run', '--agent-id', writers.agentId, '--goal', 'contested']);
    return { cli, runId: await newRunId(db.pool, TENANT, known) };
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
});
