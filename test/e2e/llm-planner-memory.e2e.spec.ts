import { describe, expect, it } from 'vitest';
import { planAnswer } from '../support/fake-model-server.js';
import { createLlmAgent, llmPlannerSetup, runLlmGoal } from './support/llm-planner-fixture.js';

/**
 * The planner's memory, as the model receives it: the user message of a request holds the agent's
 * last completed runs in the tenant (goal, plan, outcome), newest first; never another tenant's.
 */
const TENANT = 'tenant-llm-memory';
const OTHER_TENANT = 'tenant-llm-memory-other';
const FIRST_GOAL = 'first-goal-memory-3c9d';
const SECOND_GOAL = 'second-goal-memory-3c9d';
/** How many earlier runs the planner is shown (application/planning/run-memory.ts). */
const MEMORY_RUNS = 5;
const ECHO_PLAN = planAnswer({ skill: 'echo', params: { message: 'remembered' } });

type EarlierRun = { goal: string; status: string; plan: unknown; error: unknown };
type PlanningRequest = { goal: string; earlier_runs: EarlierRun[] };

/** The JSON document of a request's user message (after its first line). */
const userDocument = (messages: ReadonlyArray<{ role: string; content: string }>): PlanningRequest => {
  const user = messages.find((m) => m.role === 'user')?.content ?? '';
  return JSON.parse(user.slice(user.indexOf('\n') + 1)) as PlanningRequest;
};

describe("the LLM planner's memory of earlier runs", () => {
  const { env, model } = llmPlannerSetup();

  it("a run's request holds the agent's earlier runs of the tenant: goals, plans and outcomes, newest first; another tenant's request none of them", async () => {
    const agentId = await createLlmAgent(env, TENANT);

    model.answer = () => ({ content: ECHO_PLAN });
    const first = await runLlmGoal(env, TENANT, agentId, FIRST_GOAL);
    expect([first.result.code, first.status]).toEqual([0, 'succeeded']);
    expect(userDocument(model.server.requests().at(-1)?.messages ?? [])).toMatchObject({
      goal: FIRST_GOAL,
      earlier_runs: [],
    });

    model.answer = () => ({ content: planAnswer({ skill: 'teleport', params: {} }) });
    const second = await runLlmGoal(env, TENANT, agentId, SECOND_GOAL);
    expect([second.result.code, second.status]).toEqual([1, 'failed']);
    // Its first request already remembers the first run.
    const secondRequest = model.server.requests().at(-3);
    expect(userDocument(secondRequest?.messages ?? [])).toEqual({
      goal: SECOND_GOAL,
      budget_left_cents: expect.any(Number),
      max_steps: expect.any(Number),
      earlier_runs: [
        {
          goal: FIRST_GOAL,
          status: 'succeeded',
          plan: expect.objectContaining({
            planner: 'llm',
            steps: [expect.objectContaining({ skill: 'echo', params: { message: 'remembered' } })],
          }),
          error: null,
          completed_at: expect.any(String),
        },
      ],
    });

    model.answer = () => ({ content: ECHO_PLAN });
    const third = await runLlmGoal(env, TENANT, agentId, 'third goal');
    expect(third.result.code, third.result.stderr).toBe(0);
    const remembered = userDocument(model.server.requests().at(-1)?.messages ?? []).earlier_runs;
    expect(remembered.map((r) => [r.goal, r.status])).toEqual([
      [SECOND_GOAL, 'failed'],
      [FIRST_GOAL, 'succeeded'],
    ]);
    expect(remembered[0]).toMatchObject({ plan: null, error: { code: 'PLANNING_FAILED' } });

    // Another tenant's agent, on the same model server: its requests never carry the first tenant's runs.
    const otherAgent = await createLlmAgent(env, OTHER_TENANT);
    const before = model.server.requests().length;
    for (const goal of ['other tenant, first', 'other tenant, second']) {
      const run = await runLlmGoal(env, OTHER_TENANT, otherAgent, goal);
      expect(run.result.code, run.result.stderr).toBe(0);
    }
    const otherHits = model.server.completionHits().slice(before);
    expect(otherHits).toHaveLength(2);
    for (const hit of otherHits) {
      expect(hit.body).not.toContain(FIRST_GOAL);
      expect(hit.body).not.toContain(SECOND_GOAL);
      expect(hit.body).not.toContain('third goal');
    }
    expect(
      model.server
        .requests()
        .slice(before)
        .map((request) => userDocument(request.messages).earlier_runs.map((r) => r.goal)),
    ).toEqual([[], ['other tenant, first']]);
  });

  it(`remembers the agent's last ${MEMORY_RUNS} completed runs, newest first, and no older one`, async () => {
    const agentId = await createLlmAgent(env, TENANT);
    model.answer = () => ({ content: ECHO_PLAN });
    const goals = Array.from({ length: MEMORY_RUNS + 1 }, (_, n) => `capped-goal-${n}`);
    for (const goal of goals) {
      const run = await runLlmGoal(env, TENANT, agentId, goal);
      expect(run.result.code, run.result.stderr).toBe(0);
    }
    const last = await runLlmGoal(env, TENANT, agentId, 'the last goal');
    expect(last.result.code, last.result.stderr).toBe(0);
    const remembered = userDocument(model.server.requests().at(-1)?.messages ?? []).earlier_runs;
    expect(remembered.map((r) => r.goal)).toEqual(goals.slice(1).reverse());
  });
});
