import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { tableCounts } from '../support/cli-fixtures.js';
import { planAnswer } from '../support/fake-model-server.js';
import { proveRun, verdictOf } from '../support/run-inspection.js';
import {
  attemptsIn,
  cliEvents,
  createLlmAgent,
  llmPlannerSetup,
  runLlmGoal,
  runsGet,
} from './support/llm-planner-fixture.js';

/**
 * When the model never gives a valid plan (the plan is sent back with its problems, then the run
 * fails PLANNING_FAILED, sealed, every exchange recorded), and when no model is configured (the
 * run is refused before anything is written).
 */
const TENANT = 'tenant-llm-failures';
const UNKNOWN_SKILL_PLAN = planAnswer({ skill: 'teleport', params: { to: 'mars' } });

describe('aos run of an LLM-planned agent whose model never answers a valid plan', () => {
  const { db, env, model } = llmPlannerSetup();
  const traceRow = async (runId: string) =>
    (await db.pool.query('SELECT status, error_code, step_count FROM aos_traces WHERE run_id = $1', [runId]))
      .rows[0];

  it('asks 3 times (1 + the 2 default repairs), then fails PLANNING_FAILED: no step, every exchange recorded, sealed and VERIFIED', async () => {
    model.answer = () => ({ content: UNKNOWN_SKILL_PLAN });
    const agentId = await createLlmAgent(env, TENANT);
    const before = model.server.requests().length;
    const run = await runLlmGoal(env, TENANT, agentId, 'go somewhere');
    expect(run.result.code, run.result.stderr).toBe(1);
    expect(run.status).toBe('failed');
    expect(run.step_count).toBe(0);
    expect(run.integrity.verification_status).toBe('VERIFIED');

    const requests = model.server.requests().slice(before);
    expect(requests).toHaveLength(3);
    // Each repair sends the conversation so far, the refused answer and what was wrong with it.
    expect(requests.map((r) => r.messages.length)).toEqual([2, 4, 6]);
    expect(requests[1]?.messages[2]).toEqual({ role: 'assistant', content: UNKNOWN_SKILL_PLAN });
    expect(requests[1]?.messages[3]?.content).toMatch(/^That plan was refused:\n- .*teleport/);

    const got = await runsGet(env, TENANT, run.run_id);
    expect(got.status).toBe('failed');
    expect(got.error).toMatchObject({
      code: 'PLANNING_FAILED',
      message: expect.stringMatching(/^no valid plan after 3 attempt\(s\): the plan was refused: .*teleport/),
    });
    expect(await traceRow(run.run_id)).toEqual({
      status: 'failed',
      error_code: 'PLANNING_FAILED',
      step_count: 0,
    });

    const { events } = await cliEvents(env, TENANT, run.run_id);
    expect(events.map((e) => e.type)).toEqual([
      'RunCreated',
      'PlanningAttempted',
      'PlanningAttempted',
      'PlanningAttempted',
      'RunCompleted',
    ]);
    const attempts = attemptsIn(events);
    expect(attempts.map((a) => [a.attempt, a.outcome, a.answer?.content])).toEqual([
      [1, 'invalid', UNKNOWN_SKILL_PLAN],
      [2, 'invalid', UNKNOWN_SKILL_PLAN],
      [3, 'invalid', UNKNOWN_SKILL_PLAN],
    ]);
    for (const attempt of attempts)
      expect(attempt.validation_errors).toEqual([
        expect.objectContaining({ step_index: 0, message: expect.stringContaining('teleport') }),
      ]);
    expect(attempts.map((a) => a.messages)).toEqual(requests.map((r) => r.messages));
    expect(got.planning).toEqual(attempts);
    expect(events.at(-1)?.data).toEqual({ status: 'failed', error: got.error });

    expect(verdictOf(await proveRun(env, TENANT, run.run_id))).toEqual({
      code: 0,
      verification_status: 'VERIFIED',
      divergence: null,
      seal: 'sealed',
    });
  });

  it('asks once with --repair-attempts 0', async () => {
    model.answer = () => ({ content: UNKNOWN_SKILL_PLAN });
    const agentId = await createLlmAgent(env, TENANT, ['--repair-attempts', '0']);
    const before = model.server.requests().length;
    const run = await runLlmGoal(env, TENANT, agentId, 'go somewhere');
    expect([run.result.code, run.status]).toEqual([1, 'failed']);
    expect(model.server.requests().length - before).toBe(1);
    const { events } = await cliEvents(env, TENANT, run.run_id);
    expect(events.map((e) => e.type)).toEqual(['RunCreated', 'PlanningAttempted', 'RunCompleted']);
  });

  it('is planned by a repair: an invalid first answer, then a valid one, is the plan that runs', async () => {
    let asked = 0;
    model.answer = () => ({
      content:
        ++asked === 1 ? UNKNOWN_SKILL_PLAN : planAnswer({ skill: 'echo', params: { message: 'repaired' } }),
    });
    const agentId = await createLlmAgent(env, TENANT);
    const run = await runLlmGoal(env, TENANT, agentId, 'repair me');
    expect(run.result.code, run.result.stderr).toBe(0);
    const { events } = await cliEvents(env, TENANT, run.run_id);
    expect(attemptsIn(events).map((a) => a.outcome)).toEqual(['invalid', 'accepted']);
    expect(events.find((e) => e.type === 'StepExecuted')?.data).toMatchObject({
      outcome: { data: { message: 'repaired' } },
    });
  });
});

describe('aos run of an LLM-planned agent without a model configured', () => {
  const { db, env, model } = llmPlannerSetup();

  it.each([['AOS_LLM_BASE_URL'], ['AOS_LLM_MODEL']])(
    'without %s: exit 2 naming AOS_LLM_BASE_URL and AOS_LLM_MODEL, no request, nothing written',
    async (variable) => {
      const agentId = await createLlmAgent(env, TENANT);
      const { [variable]: _unset, ...unconfigured } = env;
      const before = await tableCounts(db.pool);
      const result = await runCli(
        'aos',
        ['run', '--tenant-id', TENANT, '--agent-id', agentId, '--goal', 'anything', '--json'],
        unconfigured,
      );
      expect(result.code).toBe(2);
      expect(jsonOf<{ error: { code: string; message: string } }>(result).error).toEqual({
        code: 'planner_not_configured',
        message: expect.stringContaining('set AOS_LLM_BASE_URL and AOS_LLM_MODEL'),
      });
      const text = await runCli(
        'aos',
        ['run', '--tenant-id', TENANT, '--agent-id', agentId, '--goal', 'anything'],
        unconfigured,
      );
      expect(text.code).toBe(2);
      expect(text.stderr).toContain('AOS_LLM_BASE_URL');
      expect(await tableCounts(db.pool)).toEqual(before);
      expect(model.server.requests()).toHaveLength(0);
    },
  );
});
