import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { withSigningKey } from '../support/cli-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { agentTraceSpans, otlpBody } from '../support/otel-agent-trace.js';
import { waitFor } from '../support/run-inspection.js';
import { startServe, untilReady, type Served } from '../support/serve-process.js';

/** Sends the headers and half of a POST's body, and leaves it in flight. */
const halfSent = async (port: number, token: string, body: Uint8Array): Promise<Socket> => {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.on('error', () => undefined);
  socket.write(
    `POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${body.length}\r\n\r\n`,
  );
  socket.write(body.subarray(0, Math.floor(body.length / 2)));
  return socket;
};

describe('aos serve stopped during ingest: SIGKILL, SIGTERM', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const running: Served[] = [];
  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url });
  });
  // Each test's servers end with it: a server left running would seal the next test's spans
  // (its sealer takes every tenant's due traces from the shared staging tables).
  afterEach(async () => {
    for (const served of running.splice(0)) {
      served.child.kill('SIGKILL');
      await served.done;
    }
  });
  afterAll(async () => {
    await db.drop();
  });

  // Given spans accepted (200) and a request half sent when the server is killed -9, when a new
  // server starts and the exporter sends everything again, then the run is recorded exactly once,
  // whole, and VERIFIED.
  it('records the run exactly once after a restart and the exporter sending again', async () => {
    const created = await runCli(
      'aos-int',
      ['tokens', 'create', '--tenant-id', 'tenant-kill', '--json'],
      env,
    );
    const { token } = jsonOf<{ token: string }>(created);
    const spans = await agentTraceSpans();
    const first = otlpBody('protobuf', spans.slice(0, 3));
    const second = otlpBody('protobuf', spans.slice(3));
    const headers = { 'content-type': 'application/x-protobuf', authorization: `Bearer ${token}` };

    const killed = await startServe(env, ['--quiet-period-ms', '60000']);
    running.push(killed);
    await untilReady(killed);
    const url = (served: Served) => `http://127.0.0.1:${served.port}/v1/traces`;
    expect((await fetch(url(killed), { method: 'POST', body: first, headers })).status).toBe(200);
    await halfSent(killed.port, token, second);
    killed.child.kill('SIGKILL');
    await killed.done;

    const restarted = await startServe(env, ['--quiet-period-ms', '300']);
    running.push(restarted);
    await untilReady(restarted);
    for (const body of [first, second, first])
      expect((await fetch(url(restarted), { method: 'POST', body, headers })).status).toBe(200);
    const run = await waitFor('the run sealed', async () => {
      const listed = jsonOf<{ runs: { run_id: string; status: string }[] }>(
        await runCli('aos', ['runs', 'list', '--tenant-id', 'tenant-kill', '--json'], env),
      ).runs;
      return listed.length > 0 && listed.every((r) => r.status === 'succeeded') ? listed : undefined;
    });
    expect(run).toHaveLength(1);
    const proof = await runCli(
      'aos',
      ['proof', '--tenant-id', 'tenant-kill', '--run-id', run[0]!.run_id, '--json'],
      env,
    );
    expect(proof.code, proof.stderr).toBe(0);
    expect(jsonOf(proof)).toMatchObject({ integrity: { verification_status: 'VERIFIED' }, step_count: 4 });
    const events = await db.pool.query<{ type: string; n: string }>(
      `SELECT type, count(*) AS n FROM aos_events WHERE tenant_id = 'tenant-kill' GROUP BY type ORDER BY type`,
    );
    expect(events.rows.map((r) => [r.type, Number(r.n)])).toEqual([
      ['AgentRegistered', 1],
      ['RunCompleted', 1],
      ['RunCreated', 1],
      ['RunObserved', 1],
      ['RunSealed', 1],
      ['RunStarted', 1],
      ['StepExecuted', 4],
    ]);
    const pending = await db.pool.query(`SELECT 1 FROM aos_ingest_spans WHERE state <> 'sealed'`);
    expect(pending.rows).toEqual([]);
  });

  it('on SIGTERM seals what it accepted without waiting for the quiet period, then exits 0', async () => {
    const created = await runCli(
      'aos-int',
      ['tokens', 'create', '--tenant-id', 'tenant-term', '--json'],
      env,
    );
    const { token } = jsonOf<{ token: string }>(created);
    const served = await startServe(env, ['--quiet-period-ms', '3600000']);
    running.push(served);
    await untilReady(served);
    const response = await fetch(`http://127.0.0.1:${served.port}/v1/traces`, {
      method: 'POST',
      body: otlpBody('protobuf', await agentTraceSpans()),
      headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    const listed = async () =>
      jsonOf<{ runs: { status: string }[] }>(
        await runCli('aos', ['runs', 'list', '--tenant-id', 'tenant-term', '--json'], env),
      ).runs;
    expect(await listed()).toEqual([]);
    served.child.kill('SIGTERM');
    const ended = await served.done;
    expect(ended.code, ended.stderr).toBe(0);
    expect(ended.stderr).toContain('"event":"run_sealed"');
    expect((await listed()).map((r) => r.status)).toEqual(['succeeded']);
  });

  it('answers 429 with Retry-After past its concurrent requests, and takes the next one once there is room', async () => {
    const created = await runCli(
      'aos-int',
      ['tokens', 'create', '--tenant-id', 'tenant-busy', '--json'],
      env,
    );
    const { token } = jsonOf<{ token: string }>(created);
    const served = await startServe(env, ['--max-concurrent-requests', '1']);
    running.push(served);
    await untilReady(served);
    const body = otlpBody('protobuf', await agentTraceSpans());
    const send = () =>
      fetch(`http://127.0.0.1:${served.port}/v1/traces`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${token}` },
      });
    // A request held in flight, admitted (it has no answer, and readyz still answers):
    const held = await halfSent(served.port, token, body);
    let answered = false;
    held.on('data', () => (answered = true));
    await waitFor('the held request admitted', async () =>
      served.stderr().includes('"url":"/v1/traces"') ? true : undefined,
    );
    await untilReady(served);
    // It counts once its token has been checked (a database read), a moment after its request line
    // is logged: until then another request may still get in (answered 200, its spans kept once).
    const refused = await waitFor('a second request refused', async () => {
      const answer = await send();
      return answer.status === 429 ? answer : undefined;
    });
    expect(answered).toBe(false);
    expect(refused.headers.get('retry-after')).toBe('1');
    held.destroy();
    await waitFor('room again', async () => ((await send()).status === 200 ? true : undefined));
  });
  it('answers 408 to a client that stalls mid-body past --request-timeout-ms, and its slot is free again', async () => {
    const created = await runCli(
      'aos-int',
      ['tokens', 'create', '--tenant-id', 'tenant-stall', '--json'],
      env,
    );
    const { token } = jsonOf<{ token: string }>(created);
    const served = await startServe(env, ['--max-concurrent-requests', '1', '--request-timeout-ms', '1000']);
    running.push(served);
    await untilReady(served);
    const body = otlpBody('protobuf', await agentTraceSpans());
    const stalled = await halfSent(served.port, token, body);
    let answer = '';
    stalled.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    const closed = new Promise<void>((resolve) => stalled.once('close', () => resolve()));
    await closed; // by the server: the client never ends its body
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    // The server frees the slot when it has closed the connection, just after the client sees it.
    await waitFor('room again', async () => {
      const next = await fetch(`http://127.0.0.1:${served.port}/v1/traces`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${token}` },
      });
      return next.status === 200 ? true : undefined;
    });
  });
});
