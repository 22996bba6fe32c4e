import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootSpanIdOf, stepSpanIdOf, traceIdOf } from '../../domain/otel-export/span-ids.js';
import { jsonOf, runCli } from '../support/cli.js';
import { spawnCli } from '../support/cli-process.js';
import { echoSteps, runGoal, withSigningKey, type RunJson } from '../support/cli-fixtures.js';
import { registerAgent, runInProcess } from '../support/in-process-fixtures.js';
import { startFakeModelServer } from '../support/fake-model-server.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { startCollector, type CollectedSpan, type OtlpCollector } from '../support/otlp-collector.js';
import { waitFor } from '../support/run-inspection.js';

/**
 * `aos-int otel export` against a real OTLP/HTTP collector on 127.0.0.1 that decodes what it gets
 * (protobuf with the OpenTelemetry proto definitions, JSON with JSON.parse).
 */
const TENANT = 'tenant-otel';
const OTHER = 'tenant-otel-other';

const exportTo = (env: NodeJS.ProcessEnv, url: string, ...extra: string[]) =>
  runCli('aos-int', ['otel', 'export', '--endpoint', url, '--json', ...extra], env);

const idsOf = (spans: readonly CollectedSpan[]) =>
  spans.map((s) => `${s.traceId}/${s.spanId}/${s.parentSpanId}`).sort();

describe('aos-int otel export sends completed runs as GenAI spans', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let run: RunJson;
  let agentId: string;
  let other: RunJson;
  const collectors: OtlpCollector[] = [];
  const collector = async (...args: Parameters<typeof startCollector>) => {
    const started = await startCollector(...args);
    collectors.push(started);
    return started;
  };

  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url });
    agentId = await registerAgent(env, TENANT, echoSteps);
    // The runs exported are run in this process (in-process-fixtures.ts): the file is about the export.
    run = await runInProcess(env, TENANT, agentId);
    other = await runInProcess(env, OTHER, await registerAgent(env, OTHER, echoSteps));
    expect([run.status, other.status]).toEqual(['succeeded', 'succeeded']);
  });
  afterAll(async () => {
    await Promise.all(collectors.map((c) => c.close()));
    await db?.drop();
  });

  it('sends the run over protobuf: derived ids, parent links, the proof on the root span, the headers', async () => {
    const otlp = await collector();
    const result = await exportTo(env, otlp.url, '--tenant-id', TENANT, '--header', 'x-api-key=k1=v');
    expect(result.code, result.stderr).toBe(0);
    expect(jsonOf(result)).toMatchObject({ runs: 1, spans: 3, tenant_id: TENANT });
    expect(otlp.accepted[0]?.contentType).toBe('application/x-protobuf');
    expect(otlp.accepted[0]?.headers['x-api-key']).toBe('k1=v');
    const spans = otlp.spans();
    const trace = traceIdOf(TENANT, run.run_id);
    const rootId = rootSpanIdOf(TENANT, run.run_id);
    expect(idsOf(spans)).toEqual(
      [
        `${trace}/${rootId}/`,
        `${trace}/${stepSpanIdOf(TENANT, run.run_id, 0)}/${rootId}`,
        `${trace}/${stepSpanIdOf(TENANT, run.run_id, 1)}/${rootId}`,
      ].sort(),
    );
    const root = spans.find((s) => s.spanId === rootId);
    expect(root?.name).toBe('invoke_agent test agent');
    expect(root?.serviceName).toBe('cus-cli');
    expect(root?.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'test agent',
      'aos.run_id': run.run_id,
      'aos.tenant_id': TENANT,
      'aos.goal': 'Run proof v3 validation run',
      'aos.run.status': 'succeeded',
      'aos.runproof.verification_status': 'VERIFIED',
      'aos.runproof.root_hash': run.integrity.root_hash,
    });
    expect(root?.attributes['aos.runproof.seal_key_id']).toMatch(/\S/);
    const echo = spans.find((s) => s.name === 'execute_tool echo');
    expect(echo?.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'echo',
    });
    expect(JSON.parse(String(echo?.attributes['gen_ai.tool.call.arguments']))).toEqual({
      message: 'Run proof v3 validation run',
    });
  });

  it('sends the same ids again, over JSON too; without --tenant-id, every tenant', async () => {
    const first = await collector();
    expect((await exportTo(env, first.url, '--tenant-id', TENANT)).code).toBe(0);
    const again = await collector();
    const result = await exportTo(env, again.url, '--protocol', 'http/json');
    expect(result.code, result.stderr).toBe(0);
    expect(jsonOf(result)).toMatchObject({ runs: 2, spans: 6, tenant_id: null });
    expect(again.accepted[0]?.contentType).toBe('application/json');
    const mine = again.spans().filter((s) => s.traceId === traceIdOf(TENANT, run.run_id));
    expect(idsOf(mine)).toEqual(idsOf(first.spans()));
    expect(again.spans().some((s) => s.traceId === traceIdOf(OTHER, other.run_id))).toBe(true);
  });

  it('succeeds after retries when the collector answers 503 twice, then 200', async () => {
    const flaky = await collector((n) => ({ status: n <= 2 ? 503 : 200, headers: { 'retry-after': '0' } }));
    const result = await exportTo(env, flaky.url, '--tenant-id', TENANT);
    expect(result.code, result.stderr).toBe(0);
    expect(flaky.requests).toBe(3);
    expect(flaky.spans()).toHaveLength(3);
  });

  it('sends a batch again after a backoff once the exporter gave up retrying (503 seven times, then 200)', async () => {
    // The exporter tries a request 6 times (Retry-After: 0, at once); the 7th 503 is the second send's.
    const flaky = await collector((n) => ({ status: n <= 7 ? 503 : 200, headers: { 'retry-after': '0' } }));
    const result = await exportTo(env, flaky.url, '--tenant-id', TENANT);
    expect(result.code, result.stderr).toBe(0);
    expect(flaky.requests).toBe(8);
    expect(flaky.spans()).toHaveLength(3);
  });

  it('fails with exit 1 and a message when the collector refuses, and moves no checkpoint', async () => {
    const refusing = await collector(() => ({ status: 400 }));
    const result = await exportTo(env, refusing.url, '--tenant-id', TENANT, '--follow');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /did not accept the spans of run .* HTTP 400.*the checkpoint was not moved/,
    );
    expect(refusing.accepted).toHaveLength(0);
    const { rows } = await db.pool.query('SELECT * FROM aos_otel_export_checkpoints WHERE endpoint = $1', [
      refusing.url,
    ]);
    expect(rows).toEqual([]);
  });

  it('--follow resumes from its checkpoint: stopped, then restarted, it sends only the run completed since', async () => {
    const otlp = await collector();
    const follow = () =>
      spawnCli(
        'aos-int',
        ['otel', 'export', '--endpoint', otlp.url, '--tenant-id', TENANT, '--follow', '--json'],
        env,
      );
    const traceOf = (id: string) => traceIdOf(TENANT, id);
    const first = follow();
    await waitFor('the first run at the collector', async () =>
      otlp.spans().some((s) => s.traceId === traceOf(run.run_id)) ? true : undefined,
    );
    first.child.kill('SIGTERM');
    const stopped = await first.done;
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(jsonOf(stopped)).toMatchObject({ runs: 1, spans: 3, follow: true });
    const { rows } = await db.pool.query<{ tenant_filter: string }>(
      'SELECT tenant_filter FROM aos_otel_export_checkpoints WHERE endpoint = $1',
      [otlp.url],
    );
    expect(rows).toEqual([{ tenant_filter: TENANT }]);

    const later = await runInProcess(env, TENANT, agentId, 'a later goal');
    const before = otlp.spans().length;
    const second = follow();
    await waitFor('the later run at the collector', async () =>
      otlp.spans().some((s) => s.traceId === traceOf(later.run_id)) ? true : undefined,
    );
    second.child.kill('SIGINT');
    const restarted = await second.done;
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(jsonOf(restarted)).toMatchObject({ runs: 1, spans: 3 });
    expect(
      new Set(
        otlp
          .spans()
          .slice(before)
          .map((s) => s.traceId),
      ),
    ).toEqual(new Set([traceOf(later.run_id)]));
  });

  it('sends a long run a request of at most 512 spans at a time, the root span last', async () => {
    const tenant = 'tenant-otel-long';
    const long = await runInProcess(
      env,
      tenant,
      await registerAgent(env, tenant, [{ skill: 'echo', params: { message: '{{goal}}' }, repeat: 600 }]),
    );
    const otlp = await collector();
    const result = await exportTo(env, otlp.url, '--tenant-id', tenant);
    expect(result.code, result.stderr).toBe(0);
    expect(jsonOf(result)).toMatchObject({ runs: 1, spans: 601 });
    expect(otlp.accepted.map((r) => r.spans.length)).toEqual([512, 89]);
    expect(otlp.accepted[1]?.spans.at(-1)?.spanId).toBe(rootSpanIdOf(tenant, long.run_id));
    expect(new Set(otlp.spans().map((s) => s.spanId)).size).toBe(601);
  });

  it('sends an llm_invoke step as chat with its model and tokens, and each attempt of its retry', async () => {
    const tenant = 'tenant-otel-llm';
    const model = await startFakeModelServer((n) =>
      n === 1
        ? { status: 503, body: { error: 'busy' } }
        : { content: 'fine', usage: { prompt_tokens: 12, completion_tokens: 5 } },
    );
    try {
      const llmEnv = { ...env, AOS_LLM_BASE_URL: model.baseUrl, AOS_LLM_MODEL: 'fake-model' };
      const llmStep = {
        skill: 'llm_invoke',
        params: { messages: [{ role: 'user', content: '{{goal}}' }], max_tokens: 16 },
        max_retries: 1,
      };
      const llmRun = await runGoal(llmEnv, tenant, await registerAgent(llmEnv, tenant, [llmStep]));
      expect(llmRun.status, llmRun.result.stderr).toBe('succeeded');
      const otlp = await collector();
      expect((await exportTo(env, otlp.url, '--tenant-id', tenant)).code).toBe(0);
      const stepId = stepSpanIdOf(tenant, llmRun.run_id, 0);
      const chat = otlp.spans().find((s) => s.spanId === stepId);
      expect(chat?.name).toBe('chat fake-planner');
      expect(chat?.parentSpanId).toBe(rootSpanIdOf(tenant, llmRun.run_id));
      expect(chat?.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'fake-planner',
        'gen_ai.usage.input_tokens': 12,
        'gen_ai.usage.output_tokens': 5,
        'aos.step.retry_count': 1,
      });
      const attempts = otlp.spans().filter((s) => s.parentSpanId === stepId);
      expect(attempts.map((a) => [a.name, a.status.code, a.attributes['error.type']])).toEqual([
        ['chat fake-planner attempt 1', 2, 'HTTP_503'],
        ['chat fake-planner attempt 2', 1, undefined],
      ]);
    } finally {
      await model.close();
    }
  });

  it.each([
    [['--endpoint', 'not a url'], '--endpoint'],
    [['--endpoint', 'ftp://127.0.0.1/v1/traces'], '--endpoint'],
    [['--endpoint', 'http://user:secret@127.0.0.1:4318/v1/traces'], '--endpoint'],
    [['--endpoint', 'http://127.0.0.1:4318/v1/traces?key=1'], '--endpoint'],
    [['--header', 'no-equals-sign'], '--header'],
    [['--header', 'bad name=v'], '--header'],
    [['--header', 'x=line\nbreak'], '--header'],
    [['--protocol', 'grpc'], '--protocol'],
  ])('refuses %j with exit 2 naming the option, and sends nothing', async (args, option) => {
    const otlp = await collector();
    const endpoint = args[0] === '--endpoint' ? [] : ['--endpoint', otlp.url];
    const result = await runCli('aos-int', ['otel', 'export', ...endpoint, ...args], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${option}:`);
    expect(otlp.requests).toBe(0);
  });
});
