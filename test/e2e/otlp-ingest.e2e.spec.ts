import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { withSigningKey } from '../support/cli-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { agentTraceSpans, exportAgentTrace, otlpBody } from '../support/otel-agent-trace.js';
import { waitFor } from '../support/run-inspection.js';
import { startServe, untilReady, type Served } from '../support/serve-process.js';

type RunRow = { run_id: string; status: string; agent_id: string; goal: string };
type StepRow = {
  step_index: number;
  skill_name: string;
  status: string;
  params: unknown;
  outcome_data: unknown;
};

/** The proof document's step rows (their JSON cells are JSON values). */
const stepRows = (proof: Record<string, unknown>): StepRow[] =>
  (proof.aos_trace_steps as Record<string, unknown>[]).map((row) => ({
    step_index: Number(row.step_index),
    skill_name: String(row.skill_name),
    status: String(row.status),
    params: row.params,
    outcome_data: row.outcome_data,
  }));

/** The acceptance of observed runs (docs/OBSERVED-RUNS.md), as a user meets it: aos serve on
 * 127.0.0.1, an agent's trace sent by the real OpenTelemetry SDK exporter, the CLI reading back. */
describe('aos serve: OpenTelemetry traces in, sealed observed runs out', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let served: Served;
  const url = () => `http://127.0.0.1:${served.port}/v1/traces`;

  const token = async (tenant: string, scope = 'ingest') => {
    const created = await runCli(
      'aos-int',
      ['tokens', 'create', '--tenant-id', tenant, '--scope', scope, '--json'],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    return jsonOf<{ token: string; token_id: string }>(created);
  };
  const runsOf = async (tenant: string): Promise<RunRow[]> =>
    jsonOf<{ runs: RunRow[] }>(await runCli('aos', ['runs', 'list', '--tenant-id', tenant, '--json'], env))
      .runs;
  const sealedRun = (tenant: string) =>
    waitFor(
      `the observed run of ${tenant}`,
      async () => {
        const runs = await runsOf(tenant);
        return runs.length === 1 && runs[0]!.status !== 'created' && runs[0]!.status !== 'running'
          ? runs[0]
          : undefined;
      },
      30_000,
    );
  const proofOf = async (tenant: string, runId: string) => {
    const proof = await runCli('aos', ['proof', '--tenant-id', tenant, '--run-id', runId, '--json'], env);
    return { code: proof.code, stderr: proof.stderr, json: jsonOf<Record<string, unknown>>(proof) };
  };
  const stepsOf = async (tenant: string, runId: string): Promise<StepRow[]> =>
    stepRows((await proofOf(tenant, runId)).json);
  const post = (body: Uint8Array, headers: Record<string, string>) =>
    fetch(url(), { method: 'POST', body, headers });

  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url });
    served = await startServe(env, ['--quiet-period-ms', '300']);
    await untilReady(served);
  });
  afterAll(async () => {
    served.child.kill('SIGKILL');
    await db.drop();
  });

  it('turns an agent trace sent by the SDK exporter into one sealed run of four steps, VERIFIED, whose bundle verifies offline', async () => {
    const { token: secret } = await token('tenant-sdk');
    await exportAgentTrace(url(), secret);
    const run = await sealedRun('tenant-sdk');
    expect(run).toMatchObject({ status: 'succeeded', goal: 'What is the weather in Lisbon?' });
    const proof = await proofOf('tenant-sdk', run.run_id);
    expect(proof.code, proof.stderr).toBe(0);
    expect(proof.json).toMatchObject({
      integrity: { verification_status: 'VERIFIED' },
      observation: { source: 'otlp', service_name: 'weather-service' },
    });
    const steps = stepRows(proof.json);
    expect(steps.map((s) => [s.step_index, s.skill_name, s.status])).toEqual([
      [0, 'otel.chat', 'succeeded'],
      [1, 'otel.execute_tool', 'succeeded'],
      [2, 'otel.execute_tool', 'failed'],
      [3, 'otel.chat', 'succeeded'],
    ]);
    expect(steps[0]!.outcome_data).toEqual({ usage: { input_tokens: 120, output_tokens: 30 } });

    const exported = await runCli(
      'aos',
      ['export', '--tenant-id', 'tenant-sdk', '--run-id', run.run_id],
      env,
    );
    expect(exported.code, exported.stderr).toBe(0);
    const file = join(await mkdtemp(join(tmpdir(), 'aos-observed-')), 'bundle.json');
    await writeFile(file, exported.stdout);
    const keyId = (proof.json.seal as { key_id: string }).key_id;
    const publicKey = join(env.AOS_KEYS_DIR ?? '', 'public-keys', `${keyId}.json`);
    const verified = await runCli('aos', ['verify', file, '--json', '--public-key', publicKey], {});
    expect(verified.code, verified.stderr).toBe(0);
    expect(jsonOf(verified)).toMatchObject({
      integrity: { verification_status: 'VERIFIED' },
      observation: { source: 'otlp', service_name: 'weather-service' },
    });
  });

  it('gives the same run from the same spans as application/json, sent twice, or split and sent in reverse order', async () => {
    const spans = await agentTraceSpans();
    const reference = await stepsOf('tenant-sdk', (await runsOf('tenant-sdk'))[0]!.run_id);
    const strip = (steps: StepRow[]) =>
      steps.map((s) => ({ ...s, params: { ...(s.params as object), span: null } }));

    const json = await token('tenant-json');
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${json.token}` };
    expect((await post(otlpBody('json', spans), headers)).status).toBe(200);
    expect((await post(otlpBody('json', spans), headers)).status).toBe(200);
    const jsonRun = await sealedRun('tenant-json');
    expect(strip(await stepsOf('tenant-json', jsonRun.run_id))).toEqual(strip(reference));

    const split = await token('tenant-split');
    const protobuf = { 'content-type': 'application/x-protobuf', authorization: `Bearer ${split.token}` };
    const reversed = [...spans].reverse();
    expect((await post(otlpBody('protobuf', reversed.slice(0, 2)), protobuf)).status).toBe(200);
    expect((await post(otlpBody('protobuf', reversed.slice(2)), protobuf)).status).toBe(200);
    expect((await post(otlpBody('protobuf', reversed.slice(0, 3)), protobuf)).status).toBe(200);
    const splitRun = await sealedRun('tenant-split');
    expect(strip(await stepsOf('tenant-split', splitRun.run_id))).toEqual(strip(reference));
  });

  it('answers bad requests with the exact status each, and writes nothing', async () => {
    const rows = async () =>
      (
        await db.pool.query<{ n: string }>(
          `SELECT (SELECT count(*) FROM aos_ingest_spans) + (SELECT count(*) FROM aos_ingest_traces)
                + (SELECT count(*) FROM aos_events) AS n`,
        )
      ).rows[0]!.n;
    const before = await rows();
    const good = await token('tenant-bad');
    const read = await token('tenant-bad', 'read');
    const revoked = await token('tenant-bad');
    const revoke = await runCli('aos-int', ['tokens', 'revoke', '--token-id', revoked.token_id], env);
    expect(revoke.code, revoke.stderr).toBe(0);
    const body = otlpBody('protobuf', await agentTraceSpans());
    const protobuf = (secret: string) => ({
      'content-type': 'application/x-protobuf',
      authorization: `Bearer ${secret}`,
    });
    const cases: [string, Uint8Array, Record<string, string>, number][] = [
      ['undecodable protobuf', new Uint8Array([0xff, 0xff, 0xff, 0x01, 0x02]), protobuf(good.token), 400],
      [
        'JSON that is not OTLP',
        new TextEncoder().encode('{"resourceSpans": 5}'),
        { ...protobuf(good.token), 'content-type': 'application/json' },
        400,
      ],
      ['not gzip', body, { ...protobuf(good.token), 'content-encoding': 'gzip' }, 400],
      [
        'a gzip bomb',
        gzipSync(new Uint8Array(64 * 1024 * 1024)),
        { ...protobuf(good.token), 'content-encoding': 'gzip' },
        413,
      ],
      ['a wrong content type', body, { ...protobuf(good.token), 'content-type': 'text/plain' }, 415],
      ['an unknown encoding', body, { ...protobuf(good.token), 'content-encoding': 'br' }, 415],
      ['no token', body, { 'content-type': 'application/x-protobuf' }, 401],
      ['a malformed token', body, protobuf('not-a-token'), 401],
      ['a revoked token', body, protobuf(revoked.token), 401],
      ['a read token', body, protobuf(read.token), 403],
    ];
    const statuses = [];
    for (const [name, payload, headers] of cases)
      statuses.push([name, (await post(payload, headers)).status]);
    expect(statuses).toEqual(cases.map(([name, , , status]) => [name, status]));
    // Past --max-request-bytes (a server of its own, with the smallest bound): 413 before the body
    // is read. A small body, written whole before the answer comes (a large one may meet a closed
    // connection while it is still being sent, as an exporter would: then it sends again).
    const small = await startServe(env, ['--max-request-bytes', '1024']);
    try {
      await untilReady(small);
      const oversized = await fetch(`http://127.0.0.1:${small.port}/v1/traces`, {
        method: 'POST',
        body: new Uint8Array(4096),
        headers: protobuf(good.token),
      });
      expect(oversized.status).toBe(413);
    } finally {
      small.child.kill('SIGKILL');
    }
    expect(await rows()).toBe(before);
  });

  it('accepts the good spans of a request and says how many it refused (partial success)', async () => {
    const { token: secret } = await token('tenant-partial');
    const span = (spanId: string) => ({
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId,
      name: 'tool call',
      kind: 1,
      startTimeUnixNano: '1700000000000000000',
      endTimeUnixNano: '1700000000500000000',
    });
    const request = { resourceSpans: [{ scopeSpans: [{ spans: [span('eee19b7ec3c1b174'), span('00')] }] }] };
    const response = await post(new TextEncoder().encode(JSON.stringify(request)), {
      'content-type': 'application/json',
      authorization: `Bearer ${secret}`,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ partialSuccess: { rejectedSpans: '1' } });
    const staged = await db.pool.query(
      `SELECT span_id FROM aos_ingest_spans WHERE tenant_id = 'tenant-partial'`,
    );
    expect(staged.rows).toEqual([{ span_id: 'eee19b7ec3c1b174' }]);
  });

  it('keeps a span that arrives after the seal as a late span, shown by aos runs get, the sealed run unchanged', async () => {
    const { token: secret } = await token('tenant-late');
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${secret}` };
    const spans = await agentTraceSpans();
    expect((await post(otlpBody('json', spans), headers)).status).toBe(200);
    const run = await sealedRun('tenant-late');
    const root = spans.find((span) => span.parentSpanContext === undefined)!;
    const late = {
      traceId: root.spanContext().traceId,
      spanId: 'abcdef0123456789',
      parentSpanId: root.spanContext().spanId,
      name: 'chat late',
      kind: 3,
      startTimeUnixNano: '1765000002000000000',
      endTimeUnixNano: '1765000002500000000',
      attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'chat' } }],
    };
    const body = { resourceSpans: [{ scopeSpans: [{ spans: [late] }] }] };
    expect((await post(new TextEncoder().encode(JSON.stringify(body)), headers)).status).toBe(200);
    const shown = await waitFor('the late span shown', async () => {
      const got = await runCli(
        'aos',
        ['runs', 'get', '--tenant-id', 'tenant-late', '--run-id', run.run_id, '--json'],
        env,
      );
      const json = jsonOf<{ late_spans: { span_id: string }[] }>(got);
      return json.late_spans.length > 0 ? json : undefined;
    });
    expect(shown.late_spans).toEqual([
      expect.objectContaining({ span_id: 'abcdef0123456789', name: 'chat late' }),
    ]);
    const proof = await proofOf('tenant-late', run.run_id);
    expect(proof.json).toMatchObject({ integrity: { verification_status: 'VERIFIED' }, step_count: 4 });
    const listed = await runCli('aos', ['runs', 'list', '--tenant-id', 'tenant-late'], env);
    expect(listed.stdout).toMatch(new RegExp(`${run.run_id}.*succeeded.*observed`));
    // The operator's sweep: every run of the database, observed ones and their late streams included.
    const swept = await runCli('aos-int', ['verify-all', '--json'], env);
    expect(swept.code, swept.stderr).toBe(0);
  });
});
