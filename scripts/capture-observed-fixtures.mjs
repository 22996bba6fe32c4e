// Captures the observed-run event fixtures of docs/EVENTS.md ("The event fixtures") from a real
// ingest by the built `aos serve`, so that they can be made again:
//
//   npm run build && node scripts/capture-observed-fixtures.mjs [--out DIR]
//
// In a fresh AOS_HOME (mode 755, an embedded Postgres) it makes a signing key and an ingest token
// of tenant-fixtures-observed, starts `aos serve --quiet-period-ms 200`, posts an agent's trace
// (OTLP/JSON: an invoke_agent span, a chat span and a failing tool span), waits until its run is
// sealed, posts one more span of the trace (a late span), waits for it, and stops the server. Then
// it reads the tenant's rows of aos_events exactly as stored and writes, under DIR (default
// test/vectors/events-observed):
//
//   AgentRegistered.json   the observed agent, registered on first sight (version 2, planner observed)
//   RunObserved.json       the run's RunObserved (version 1)
//   LateSpanReceived.json  the late span (version 1, stream aos-late-<run_id>)
//   runs.json              every other row of the run's stream and its seal, with the public key
//
// It never overwrites a file: fixtures are stored bytes, covered by chains and seals.
import { execFile, spawn } from 'node:child_process';
import { access, chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TENANT = 'tenant-fixtures-observed';
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const outIndex = process.argv.indexOf('--out');
const OUT = resolve(
  ROOT,
  outIndex === -1 ? 'test/vectors/events-observed' : (process.argv[outIndex + 1] ?? ''),
);
const NAMES = ['AgentRegistered', 'RunObserved', 'LateSpanReceived', 'runs'];
const say = (line) => process.stdout.write(`${line}\n`);
const exists = (path) =>
  access(path).then(
    () => true,
    () => false,
  );
for (const name of NAMES)
  if (await exists(join(OUT, `${name}.json`))) {
    process.stderr.write(
      `capture-observed-fixtures: ${join(OUT, `${name}.json`)} exists; never overwritten\n`,
    );
    process.exit(1);
  }

const home = await mkdtemp(join(tmpdir(), 'aos-observed-fixtures-'));
await chmod(home, 0o755);
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) => name !== 'DATABASE_URL' && !name.startsWith('AOS_') && !name.startsWith('PG'),
  ),
);
env.AOS_HOME = home;
env.AOS_DB_IDLE_SECONDS = '0'; // the last command stops the server: the home is removed at the end
const cli = async (name, args) => {
  const { stdout } = await run(process.execPath, [`dist/bin/${name}.js`, ...args, '--json'], {
    cwd: ROOT,
    env,
  });
  return JSON.parse(stdout);
};
const attribute = (key, value) => ({
  key,
  value: typeof value === 'number' ? { intValue: String(value) } : { stringValue: value },
});
const span = (spanId, parentSpanId, name, startMs, endMs, attributes, status) => ({
  traceId: TRACE,
  spanId,
  ...(parentSpanId ? { parentSpanId } : {}),
  name,
  kind: 1,
  startTimeUnixNano: `${1765000000000 + startMs}000000`,
  endTimeUnixNano: `${1765000000000 + endMs}000000`,
  attributes: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
  ...(status ? { status } : {}),
});
const request = (spans) => ({
  resourceSpans: [
    {
      resource: { attributes: [attribute('service.name', 'fixture-agent-service')] },
      scopeSpans: [{ scope: { name: 'fixture-instrumentation', version: '1.0.0' }, spans }],
    },
  ],
});
const trace = request([
  span('00f067aa0ba902b7', null, 'invoke_agent Fixture agent', 0, 900, {
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.agent.name': 'Fixture agent',
    'gen_ai.agent.id': 'fixture-agent-1',
    'gen_ai.input.messages': JSON.stringify([
      { role: 'user', parts: [{ type: 'text', content: 'Event fixtures: an observed run' }] },
    ]),
  }),
  span('00f067aa0ba902b8', '00f067aa0ba902b7', 'chat fixture-model', 10, 300, {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'fixture-model',
    'gen_ai.usage.input_tokens': 64,
    'gen_ai.usage.output_tokens': 12,
    api_key: 'sk-fixture-never-stored',
  }),
  span(
    '00f067aa0ba902b9',
    '00f067aa0ba902b7',
    'execute_tool lookup',
    310,
    500,
    {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'lookup',
      'gen_ai.tool.call.arguments': '{"q":"fixtures"}',
      'error.type': 'LookupFailed',
    },
    { code: 2, message: 'lookup failed' },
  ),
]);
const late = request([
  span('00f067aa0ba902ba', '00f067aa0ba902b7', 'chat fixture-model', 600, 800, {
    'gen_ai.operation.name': 'chat',
  }),
]);

let server;
let database;
try {
  await cli('aos-int', ['keys', 'init']);
  await cli('aos-int', ['migrate']);
  const { token } = await cli('aos-int', ['tokens', 'create', '--tenant-id', TENANT]);
  server = spawn(
    process.execPath,
    ['dist/bin/aos.js', 'serve', '--listen', '127.0.0.1:0', '--quiet-period-ms', '200'],
    { cwd: ROOT, env },
  );
  let log = '';
  server.stderr.on('data', (chunk) => (log += chunk));
  const until = async (what, probe) => {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(50)) if (probe()) return;
    throw new Error(`timed out waiting for ${what}:\n${log}`);
  };
  await until('ready', () => log.includes('"event":"ready"'));
  const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(log)?.[1]);
  const post = async (body) => {
    const response = await globalThis.fetch(`http://127.0.0.1:${port}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    if (response.status !== 200)
      throw new Error(`POST /v1/traces: ${response.status} ${await response.text()}`);
  };
  await post(trace);
  await until('the run sealed', () => log.includes('"event":"run_sealed"'));
  await post(late);
  await until('the late span', () => log.includes('"event":"late_spans"'));
  server.kill('SIGTERM');
  await new Promise((done) => server.once('exit', done));
  const keys = (await cli('aos-int', ['keys', 'list'])).keys.map(({ key_id, algorithm, public_key }) => ({
    key_id,
    algorithm,
    public_key,
  }));

  const resolution = new URL('../dist/adapters/postgres/database-resolution.js', import.meta.url).href;
  database = await (await import(resolution)).resolveDatabase(env);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const { rows } = await client
    .query(
      `SELECT stream_id, tenant_id, seq, type, data, recorded_at, link FROM aos_events
        WHERE tenant_id = $1 ORDER BY global_position`,
      [TENANT],
    )
    .finally(() => client.end());
  const made =
    `Rows of aos_events exactly as stored by aos (RunProof v1), from a real ingest of ${TENANT}: an agent's trace ` +
    `posted as OTLP/JSON to the built \`aos serve\` on ${rows[0].recorded_at.slice(0, 10)} by ` +
    'scripts/capture-observed-fixtures.mjs (embedded Postgres), then one more span of the trace after its run was ' +
    'sealed. `data` is the stored text (JCS of the payload). Never edit them: the chain and seal cover these bytes.';
  const file = (description, schemaVersion, events, extra = {}) =>
    `${JSON.stringify({ description: `${description} ${made}`, schema_version: schemaVersion, events, ...extra }, null, 2)}\n`;
  const of = (type) => rows.filter((row) => row.type === type);
  await mkdir(OUT, { recursive: true });
  const write = (name, text) => writeFile(join(OUT, `${name}.json`), text);
  await write(
    'AgentRegistered',
    file(
      'AgentRegistered, schema version 2: the observed agent (planner.kind "observed"), registered on first sight.',
      2,
      of('AgentRegistered'),
    ),
  );
  await write(
    'RunObserved',
    file(
      "RunObserved, schema version 1: in place of RunPlanned, the root span's facts of the observed run of runs.json.",
      1,
      of('RunObserved'),
    ),
  );
  await write(
    'LateSpanReceived',
    file(
      'LateSpanReceived, schema version 1: a span of the run that arrived after its seal (stream aos-late-<run_id>).',
      1,
      of('LateSpanReceived'),
    ),
  );
  await write(
    'runs',
    file(
      'The other rows of the observed run (its stream but RunObserved, which is in RunObserved.json) and its RunSealed, all of version 1, with the public key of the seal: with RunObserved.json, the chain and seal verify.',
      1,
      rows.filter((row) => !['AgentRegistered', 'RunObserved', 'LateSpanReceived'].includes(row.type)),
      { public_keys: keys },
    ),
  );
  for (const name of NAMES) say(`wrote ${join(OUT, `${name}.json`)}`);
} catch (error) {
  process.stderr.write(`capture-observed-fixtures: ${error.stack ?? error}\n`);
  process.exitCode = 1;
} finally {
  server?.kill('SIGKILL');
  await database?.release();
  await run(process.execPath, ['dist/bin/aos-int.js', 'db', 'stop'], { cwd: ROOT, env }).catch(
    () => undefined,
  );
  await rm(home, { recursive: true, force: true });
}
