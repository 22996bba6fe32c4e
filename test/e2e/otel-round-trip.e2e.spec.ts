import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { runGoal, withSigningKey } from '../support/cli-fixtures.js';
import { registerAgent } from '../support/in-process-fixtures.js';
import { startFakeModelServer } from '../support/fake-model-server.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { waitFor } from '../support/run-inspection.js';
import { startServe, untilReady, type Served } from '../support/serve-process.js';

type StepRow = Record<string, unknown>;

/** A step as the round trip must keep it: its place, kind of call, status, model and tokens. */
const essence = (row: StepRow) => {
  // The proof document's JSON cells are JSON values, not text.
  const params = row.params as Record<string, unknown>;
  const data = row.outcome_data as Record<string, unknown>;
  const usage = (data.usage ?? {}) as Record<string, unknown>;
  return {
    step_index: Number(row.step_index),
    status: row.status,
    retry_count: Number(row.retry_count),
    // The model asked (an observed step's params) or the one that answered (llm_invoke's outcome).
    model: params.model ?? data.model ?? null,
    input_tokens: usage.input_tokens ?? usage.prompt_tokens ?? null,
    output_tokens: usage.output_tokens ?? usage.completion_tokens ?? null,
  };
};

/** Round trip (issue 15): runs exported by `aos-int otel export` from one database into `aos serve`
 * of another come back as observed runs with the same steps, models and token counts. */
describe('aos-int otel export into aos serve of another database', () => {
  let source: TestDatabase;
  let target: TestDatabase;
  let served: Served;
  beforeAll(async () => {
    [source, target] = await Promise.all([freshDatabase(), freshDatabase()]);
  });
  afterAll(async () => {
    served?.child.kill('SIGKILL');
    await Promise.all([source.drop(), target.drop()]);
  });

  it('gives runs with the same steps, models and token counts', async () => {
    const model = await startFakeModelServer((n) =>
      n === 1
        ? { status: 503, body: { error: 'busy' } }
        : { content: 'fine', usage: { prompt_tokens: 12, completion_tokens: 5 } },
    );
    const sourceEnv = await withSigningKey({
      DATABASE_URL: source.url,
      AOS_LLM_BASE_URL: model.baseUrl,
      AOS_LLM_MODEL: 'fake-model',
    });
    const steps = [
      { skill: 'echo', params: { message: '{{goal}}' } },
      {
        skill: 'llm_invoke',
        params: { messages: [{ role: 'user', content: '{{goal}}' }], max_tokens: 16 },
        max_retries: 1,
      },
      { skill: 'json_transform', params: { input_from_step: 0, expression: 'message' } },
    ];
    let runId: string;
    try {
      const run = await runGoal(
        sourceEnv,
        'tenant-src',
        await registerAgent(sourceEnv, 'tenant-src', steps),
        'round trip',
      );
      expect(run.status, run.result.stderr).toBe('succeeded');
      runId = run.run_id;
    } finally {
      await model.close();
    }

    const targetEnv = await withSigningKey({ DATABASE_URL: target.url });
    served = await startServe(targetEnv, ['--quiet-period-ms', '300']);
    await untilReady(served);
    const created = await runCli(
      'aos-int',
      ['tokens', 'create', '--tenant-id', 'tenant-dst', '--json'],
      targetEnv,
    );
    const { token } = jsonOf<{ token: string }>(created);
    const exported = await runCli(
      'aos-int',
      [
        'otel',
        'export',
        '--endpoint',
        `http://127.0.0.1:${served.port}/v1/traces`,
        '--header',
        `authorization=Bearer ${token}`,
      ],
      sourceEnv,
    );
    expect(exported.code, exported.stderr).toBe(0);

    const copy = await waitFor('the observed copy sealed', async () => {
      const runs = jsonOf<{ runs: { run_id: string; status: string; goal: string }[] }>(
        await runCli('aos', ['runs', 'list', '--tenant-id', 'tenant-dst', '--json'], targetEnv),
      ).runs;
      return runs.length === 1 && runs[0]!.status === 'succeeded' ? runs[0] : undefined;
    });
    expect(copy.goal).toBe('round trip');
    const proofOf = async (env: NodeJS.ProcessEnv, tenant: string, id: string) => {
      const proof = await runCli('aos', ['proof', '--tenant-id', tenant, '--run-id', id, '--json'], env);
      expect(proof.code, proof.stderr).toBe(0);
      return jsonOf<{ aos_trace_steps: StepRow[]; integrity: { verification_status: string } }>(proof);
    };
    const original = await proofOf(sourceEnv, 'tenant-src', runId);
    const observed = await proofOf(targetEnv, 'tenant-dst', copy.run_id);
    expect(observed.integrity.verification_status).toBe('VERIFIED');
    expect(observed.aos_trace_steps.map((row) => row.skill_name)).toEqual([
      'otel.execute_tool',
      'otel.chat',
      'otel.execute_tool',
    ]);
    const originalSteps = original.aos_trace_steps.map(essence);
    expect(originalSteps[1]).toMatchObject({ retry_count: 1, input_tokens: 12, output_tokens: 5 });
    expect(originalSteps[1]!.model).toBe('fake-planner');
    expect(observed.aos_trace_steps.map(essence)).toEqual(originalSteps);
  });
});
