import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { tableCounts } from '../support/cli-fixtures.js';
import { planAnswer, startFakeModelServer, type FakeModelServer } from '../support/fake-model-server.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';

/**
 * `aos-int demo --planner llm`: the demo agent's plan written by a model (a scripted
 * OpenAI-compatible server on 127.0.0.1), run in the sandbox and proven; without the option the
 * demo stays on its template and never asks a model; without a configured model it is refused.
 */
type DemoJson = {
  status: string;
  planner: string;
  run_id: string;
  step_count: number;
  integrity: { verification_status: string };
};
type StoredEvent = { type: string; data: Record<string, unknown> };

describe('aos-int demo --planner llm', () => {
  let customer: TestDatabase;
  let sandbox: TestDatabase;
  let model: FakeModelServer;
  let answers: string[] = [];
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    customer = await freshDatabase();
    sandbox = await freshDatabase({ migrated: false });
    // The model follows the agent's instructions: the demo service's URL is in the system message.
    model = await startFakeModelServer((_n, body) => {
      const system = body.messages.find((m) => m.role === 'system')?.content ?? '';
      const user = body.messages.find((m) => m.role === 'user')?.content ?? '';
      const url = /http:\/\/127\.0\.0\.1:\d+\/status/.exec(system)?.[0] ?? 'missing';
      const goal = (JSON.parse(user.slice(user.indexOf('\n') + 1)) as { goal: string }).goal;
      const answer = planAnswer(
        { skill: 'http_call', params: { method: 'GET', url, timeout_ms: 5000 } },
        {
          skill: 'json_transform',
          params: { expression: 'body.items[?price > `0.1`].name', input_from_step: 0 },
        },
        { skill: 'echo', params: { message: `planned by the model: ${goal}` } },
      );
      answers.push(answer);
      return { content: answer };
    });
    env = {
      DATABASE_URL: customer.url,
      AOS_DEMO_DATABASE_URL: sandbox.url,
      AOS_LLM_BASE_URL: model.baseUrl,
      AOS_LLM_MODEL: 'fake-planner',
    };
  });
  afterAll(async () => {
    await model.close();
    await customer.drop();
    await sandbox.drop();
  });

  const sandboxEvents = async (runId: string): Promise<StoredEvent[]> => {
    const pool = new pg.Pool({ connectionString: sandbox.url });
    try {
      const { rows } = await pool.query<{ type: string; data: string }>(
        'SELECT type, data FROM aos_events WHERE stream_id = $1 ORDER BY seq',
        [`aos-run-${runId}`],
      );
      return rows.map((r) => ({ type: r.type, data: JSON.parse(r.data) as Record<string, unknown> }));
    } finally {
      await pool.end();
    }
  };

  it('runs the demo agent on the plan the model wrote: exit 0, VERIFIED, the answer recorded and executed', async () => {
    answers = [];
    const before = await tableCounts(customer.pool);
    const demo = await runCli('aos-int', ['demo', '--planner', 'llm', '--json'], env);
    expect(demo.code, demo.stderr).toBe(0);
    const result = jsonOf<DemoJson>(demo);
    expect(result).toMatchObject({
      status: 'succeeded',
      planner: 'llm',
      step_count: 3,
      integrity: { verification_status: 'VERIFIED' },
    });
    expect(answers).toHaveLength(1);
    expect(model.requests()[0]?.messages[0]?.content).toContain(
      'You check the inventory of the demo service',
    );

    const events = await sandboxEvents(result.run_id);
    expect(events.map((e) => e.type)).toEqual([
      'RunCreated',
      'PlanningAttempted',
      'RunPlanned',
      'RunStarted',
      'StepExecuted',
      'StepExecuted',
      'StepExecuted',
      'RunCompleted',
    ]);
    expect(events[1]?.data).toMatchObject({ outcome: 'accepted', answer: { content: answers[0] } });
    const planned = JSON.parse(answers[0] ?? '') as { steps: Array<{ skill: string; params: unknown }> };
    expect(events[2]?.data).toMatchObject({
      plan: {
        planner: 'llm',
        steps: planned.steps.map((step, index) => ({ index, ...step })),
      },
    });
    expect(events.slice(4, 7).map((e) => e.data.outcome)).toMatchObject([
      { category: 'success', data: { status: 200 } },
      { category: 'success', data: { result: ['widget', 'gadget'] } },
      { category: 'success', data: { message: 'planned by the model: Run proof v3 validation run' } },
    ]);
    expect(await tableCounts(customer.pool)).toEqual(before);

    const text = await runCli('aos-int', ['demo', '--planner', 'llm'], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('Planner: llm');
    expect(text.stdout).toContain('Verification status: VERIFIED');
  });

  it('without --planner stays on its template: no request to the model, even when one is configured', async () => {
    answers = [];
    const demo = await runCli('aos-int', ['demo', '--json'], env);
    expect(demo.code, demo.stderr).toBe(0);
    const result = jsonOf<DemoJson>(demo);
    expect(result).toMatchObject({ status: 'succeeded', planner: 'template', step_count: 3 });
    expect(answers).toEqual([]);
    expect((await sandboxEvents(result.run_id)).map((e) => e.type)).not.toContain('PlanningAttempted');
  });

  it('refuses --planner llm without AOS_LLM_BASE_URL or AOS_LLM_MODEL, and an unknown planner: exit 2, nothing written', async () => {
    const empty = await freshDatabase({ migrated: false });
    try {
      const emptySandbox: NodeJS.ProcessEnv = { ...env, AOS_DEMO_DATABASE_URL: empty.url };
      const { AOS_LLM_BASE_URL: _url, ...noUrl } = emptySandbox;
      const { AOS_LLM_MODEL: _model, ...noModel } = emptySandbox;
      for (const unconfigured of [noUrl, noModel]) {
        const refused = await runCli('aos-int', ['demo', '--planner', 'llm', '--json'], unconfigured);
        expect(refused.code).toBe(2);
        expect(jsonOf<{ error: { code: string; message: string } }>(refused).error).toEqual({
          code: 'planner_not_configured',
          message:
            'the demo was refused, nothing was written: this agent plans with a language model: set AOS_LLM_BASE_URL and AOS_LLM_MODEL',
        });
      }
      const bogus = await runCli('aos-int', ['demo', '--planner', 'oracle', '--json'], env);
      expect(bogus.code).toBe(2);
      expect(jsonOf<{ error: { code: string; field: string } }>(bogus).error).toMatchObject({
        code: 'invalid_input',
        field: 'planner',
      });
      // The sandbox was never prepared: not even migrated.
      const tables = await empty.pool.query(
        "SELECT 1 FROM information_schema.tables WHERE table_name = 'aos_events'",
      );
      expect(tables.rowCount).toBe(0);
    } finally {
      await empty.drop();
    }
  });
});
