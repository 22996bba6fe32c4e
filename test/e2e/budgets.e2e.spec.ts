import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { createAgent, runGoal, tableCounts, withSigningKey } from '../support/cli-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { sendJson, startLocalServer, type LocalServer } from '../support/local-http-server.js';
import { proveRun, runEvents, typesOf, verdictOf } from '../support/run-inspection.js';

/**
 * Run budgets with the one skill that costs money: llm_invoke against a fake OpenAI-compatible
 * server on 127.0.0.1 that reports whatever usage the test sets. At 100 cents per 1000 completion
 * tokens (prompt tokens free), a step with max_tokens 50 declares 5 cents and one with max_tokens
 * 10 declares 1 cent.
 */
const TENANT = 'tenant-budgets';
const llmStep = (maxTokens: number) => ({
  skill: 'llm_invoke',
  params: { messages: [{ role: 'user', content: '{{goal}}' }], max_tokens: maxTokens },
});

describe('budgets: the declared cost is checked before execution, the spent cost during it', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let server: LocalServer;
  let completionTokens = 0;

  beforeAll(async () => {
    db = await freshDatabase();
    server = await startLocalServer((_hit, response) =>
      sendJson(response, 200, {
        model: 'fake-model',
        choices: [{ index: 0, message: { role: 'assistant', content: 'fine' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 3, completion_tokens: completionTokens, total_tokens: 3 + completionTokens },
      }),
    );
    env = await withSigningKey({
      DATABASE_URL: db.url,
      AOS_LLM_BASE_URL: `${server.base}/v1`,
      AOS_LLM_MODEL: 'fake-model',
      AOS_LLM_PRICE_PER_1K_COMPLETION_CENTS: '100',
    });
  });
  afterAll(async () => {
    await server.close();
    await db.drop();
  });

  const traceRow = async (runId: string) =>
    (
      await db.pool.query(
        'SELECT status, error_code, step_count, total_cost_cents::int AS total_cost_cents FROM aos_traces WHERE run_id = $1',
        [runId],
      )
    ).rows[0];
  const run = async (agentId: string, extra: string[], runEnv = env) => {
    const result = await runCli(
      'aos',
      ['run', '--tenant-id', TENANT, '--agent-id', agentId, '--goal', 'summarize', '--json', ...extra],
      runEnv,
    );
    return {
      result,
      ...jsonOf<{ run_id: string; status: string; integrity: { verification_status: string } }>(result),
    };
  };
  const expectVerifiedAndSealed = async (runId: string) =>
    expect(verdictOf(await proveRun(env, TENANT, runId))).toEqual({
      code: 0,
      verification_status: 'VERIFIED',
      divergence: null,
      seal: 'sealed',
    });

  it('refuses a plan whose declared cost exceeds the run budget before anything runs: PLAN_INVALID, no step, no call', async () => {
    const agentId = await createAgent(env, TENANT, [llmStep(50)]);
    const refused = await run(agentId, ['--budget-cents', '4']);
    expect(refused.result.code, refused.result.stderr).toBe(1);
    expect(refused.status).toBe('failed');
    const events = await runEvents(db.pool, refused.run_id);
    expect(typesOf(events)).toEqual(['RunCreated', 'RunCompleted']);
    expect(events[0]?.data.budget_cents).toBe(4);
    expect(events[1]?.data).toEqual({
      status: 'failed',
      error: { code: 'PLAN_INVALID', message: 'budget_cents: plan declares 5 cents, budget is 4' },
    });
    expect(server.hits).toHaveLength(0);
    expect(await traceRow(refused.run_id)).toEqual({
      status: 'failed',
      error_code: 'PLAN_INVALID',
      step_count: 0,
      total_cost_cents: 0,
    });
    await expectVerifiedAndSealed(refused.run_id);
  });

  it('refuses to register an agent whose template declares more than its budget: exit 2, nothing written', async () => {
    const before = await tableCounts(db.pool);
    const agentId = createAgent(env, TENANT, [llmStep(50)], ['--budget-cents', '4']);
    await expect(agentId).rejects.toThrow(
      /agents create failed \(2\): error: --plan-template: budget_cents: plan declares 5 cents, budget is 4/,
    );
    expect(await tableCounts(db.pool)).toEqual(before);
  });

  it('halts a run that reaches its budget during execution: BUDGET_EXCEEDED, the steps not started are absent', async () => {
    const agentId = await createAgent(
      env,
      TENANT,
      [llmStep(10), llmStep(10), llmStep(10)],
      ['--budget-cents', '3'],
    );
    const hitsBefore = server.hits.length;
    completionTokens = 50; // the server uses more than max_tokens: the first step costs 5 cents, not 1
    const halted = await runGoal(env, TENANT, agentId, 'summarize');
    completionTokens = 0;
    expect(halted.result.code, halted.result.stderr).toBe(1);
    expect(halted.status).toBe('halted');
    expect(server.hits.length - hitsBefore).toBe(1);
    expect(JSON.parse(server.hits.at(-1)?.body ?? '')).toEqual({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'summarize' }],
      max_tokens: 10,
    });
    const events = await runEvents(db.pool, halted.run_id);
    expect(typesOf(events)).toEqual([
      'RunCreated',
      'RunPlanned',
      'RunStarted',
      'StepExecuted',
      'RunCompleted',
    ]);
    expect(events[3]?.data).toMatchObject({
      step_index: 0,
      status: 'succeeded',
      cost_cents: 5,
      outcome: { data: { usage: { completion_tokens: 50 } } },
    });
    expect(events[4]?.data).toEqual({
      status: 'halted',
      error: {
        code: 'BUDGET_EXCEEDED',
        message: 'step 1 (llm_invoke) would cost up to 1 cents; 5 of the budget of 3 are spent',
        step_index: 1,
      },
    });
    expect(
      (await db.pool.query('SELECT step_index FROM aos_trace_steps WHERE run_id = $1', [halted.run_id])).rows,
    ).toEqual([{ step_index: 0 }]);
    expect(await traceRow(halted.run_id)).toEqual({
      status: 'halted',
      error_code: 'BUDGET_EXCEEDED',
      step_count: 1,
      total_cost_cents: 5,
    });
    await expectVerifiedAndSealed(halted.run_id);
  });

  it("aos run --budget-cents overrides the agent's budget, down and up (RunCreated.budget_cents, runs, runs get)", async () => {
    const agentId = await createAgent(env, TENANT, [llmStep(50)], ['--budget-cents', '10']);
    completionTokens = 40;
    const agentBudget = await run(agentId, []);
    expect(agentBudget.result.code, agentBudget.result.stderr).toBe(0);
    // the operator raised the price tenfold: the plan now declares 50 cents, over the agent's 10
    const pricier = { ...env, AOS_LLM_PRICE_PER_1K_COMPLETION_CENTS: '1000' };
    const refused = await run(agentId, [], pricier);
    const raised = await run(agentId, ['--budget-cents', '50'], pricier);
    completionTokens = 0;
    expect([refused.result.code, refused.status]).toEqual([1, 'failed']);
    expect(raised.result.code, raised.result.stderr).toBe(0);
    expect(raised.status).toBe('succeeded');
    for (const [runId, budget, cost] of [
      [agentBudget.run_id, 10, 4],
      [refused.run_id, 10, 0],
      [raised.run_id, 50, 40],
    ] as const) {
      const events = await runEvents(db.pool, runId);
      expect(events[0]?.data.budget_cents).toBe(budget);
      expect(
        (await db.pool.query('SELECT budget_cents::int AS b FROM runs WHERE run_id = $1', [runId])).rows,
      ).toEqual([{ b: budget }]);
      const got = jsonOf<{ budget_cents: number }>(
        await runCli('aos', ['runs', 'get', '--tenant-id', TENANT, '--run-id', runId, '--json'], env),
      );
      expect(got.budget_cents).toBe(budget);
      expect((await traceRow(runId))?.total_cost_cents).toBe(cost);
    }
    expect(typesOf(await runEvents(db.pool, refused.run_id))).toEqual(['RunCreated', 'RunCompleted']);
    await expectVerifiedAndSealed(raised.run_id);
  });

  let echoAgent: string | undefined;
  it.each([['-1'], ['1.5'], ['abc'], ['10000000001']])(
    'refuses --budget-cents %s: exit 2 naming budget-cents, nothing written',
    async (value) => {
      echoAgent ??= await createAgent(env, TENANT, [{ skill: 'echo', params: { message: '{{goal}}' } }]);
      const agentId = echoAgent;
      const before = await tableCounts(db.pool);
      const refused = await runCli(
        'aos',
        [
          'run',
          '--tenant-id',
          TENANT,
          '--agent-id',
          agentId,
          '--goal',
          'g',
          '--budget-cents',
          value,
          '--json',
        ],
        env,
      );
      expect(refused.code).toBe(2);
      expect(jsonOf<{ error: { code: string; field: string } }>(refused).error).toMatchObject({
        code: 'invalid_input',
        field: 'budget-cents',
      });
      expect(await tableCounts(db.pool)).toEqual(before);
    },
  );
});
