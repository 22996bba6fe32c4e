// Captures the event fixtures of docs/EVENTS.md ("The event fixtures") from real runs of the built
// CLI, so that they can be made again:
//
//   npm run build && node scripts/capture-event-fixtures.mjs [--out DIR]
//
// In a fresh AOS_HOME (mode 755, an embedded Postgres) it makes a signing key, migrates, registers
// two agents of tenant-fixtures-v2 (a template agent and an llm agent, AgentRegistered version 2),
// and runs each once. The llm agent plans with a local OpenAI-compatible server (node:http on
// 127.0.0.1) that answers the first request with a plan using a skill the agent does not have
// (PlanningAttempted outcome `invalid`) and the repair request with a valid echo plan (`accepted`).
// Then it reads the tenant's rows of aos_events exactly as stored (`data` is the stored text, the
// bytes the chain hashes) and writes, under DIR (default test/vectors):
//
//   events-v2/AgentRegistered.json     the two agents (version 2)
//   events-v1/PlanningAttempted.json   the llm run's two planning attempts (version 1)
//   events-v2/runs.json                every other row of the two runs' streams, their seals, and
//                                      the public key of the seals, so that the rows verify
//
// It never overwrites a file: fixtures are stored bytes, covered by chains and seals. To capture
// again, write elsewhere with --out, or remove the old files on purpose (and update the digests the
// fixture tests pin).
import { execFile } from 'node:child_process';
import { access, chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TENANT = 'tenant-fixtures-v2';
const MODEL = 'fake-planner';
const outIndex = process.argv.indexOf('--out');
const OUT = resolve(ROOT, outIndex === -1 ? 'test/vectors' : (process.argv[outIndex + 1] ?? ''));
const TARGETS = {
  agents: join(OUT, 'events-v2', 'AgentRegistered.json'),
  attempts: join(OUT, 'events-v1', 'PlanningAttempted.json'),
  runs: join(OUT, 'events-v2', 'runs.json'),
};

const say = (line) => process.stdout.write(`${line}\n`);
class CaptureFailure extends Error {}
const fail = (message) => {
  throw new CaptureFailure(message);
};
const exists = (path) =>
  access(path).then(
    () => true,
    () => false,
  );

const refusal = async () => {
  for (const path of Object.values(TARGETS))
    if (await exists(path)) return `${path} exists; fixtures are never overwritten (see the header)`;
  for (const cli of ['aos', 'aos-int'])
    if (!(await exists(join(ROOT, 'dist', 'bin', `${cli}.js`)))) return 'run `npm run build` first';
  return null;
};
const refused = await refusal();
if (refused !== null) {
  process.stderr.write(`capture-event-fixtures: ${refused}\n`);
  process.exit(1);
}

// The model: an unknown skill first (refused: outcome invalid), then a valid echo plan.
const LLM_GOAL = 'Event fixtures: an llm run';
const answers = [
  { steps: [{ skill: 'summarize', params: { text: LLM_GOAL } }] },
  { steps: [{ skill: 'echo', params: { message: LLM_GOAL } }] },
];
const requests = [];
const server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    requests.push(body);
    const plan = answers[requests.length - 1];
    if (request.url !== '/v1/chat/completions' || plan === undefined) {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: 'unexpected request' } }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        id: `chatcmpl-fixture-${requests.length}`,
        object: 'chat.completion',
        model: MODEL,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: JSON.stringify(plan) },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 900, completion_tokens: 40, total_tokens: 940 },
      }),
    );
  });
});
await new Promise((done) => server.listen(0, '127.0.0.1', done));

const home = await mkdtemp(join(tmpdir(), 'aos-event-fixtures-'));
await chmod(home, 0o755);
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) => name !== 'DATABASE_URL' && !name.startsWith('AOS_') && !name.startsWith('PG'),
  ),
);
Object.assign(env, {
  AOS_HOME: home,
  AOS_DB_IDLE_SECONDS: '0', // the last command stops the server: the home is removed at the end
  AOS_LLM_BASE_URL: `http://127.0.0.1:${server.address().port}/v1`,
  AOS_LLM_MODEL: MODEL,
  AOS_LLM_PRICE_PER_1K_PROMPT_CENTS: '1',
  AOS_LLM_PRICE_PER_1K_COMPLETION_CENTS: '2',
});

/** Runs a CLI with --json; its document, or the failure with what it said. */
const cli = async (name, args, { exitCodes = [0] } = {}) => {
  const result = await run(process.execPath, [`dist/bin/${name}.js`, ...args, '--json'], {
    cwd: ROOT,
    env,
  }).catch((error) => error);
  const code = typeof result.code === 'number' ? result.code : 0;
  if (!exitCodes.includes(code))
    fail(`${name} ${args.join(' ')} exited ${code}:\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(result.stdout);
};

let database;
try {
  await cli('aos-int', ['keys', 'init']);
  await cli('aos-int', ['migrate']);
  const template = join(home, 'plan-template.json');
  await writeFile(template, JSON.stringify({ steps: [{ skill: 'echo', params: { message: '{{goal}}' } }] }));
  const instructions = join(home, 'instructions.txt');
  await writeFile(instructions, 'Echo the goal back with the echo skill, in one step.');
  const common = ['--tenant-id', TENANT, '--budget-cents', '1000'];
  const templateAgent = await cli('aos', [
    ...['agents', 'create', ...common, '--name', 'fixture-template-v2'],
    ...['--plan-template', template],
  ]);
  const llmAgent = await cli('aos', [
    ...['agents', 'create', ...common, '--name', 'fixture-llm', '--planner', 'llm'],
    ...['--instructions', instructions, '--max-steps', '5', '--repair-attempts', '1'],
    ...['--skill', 'echo', '--skill', 'json_transform'],
  ]);
  for (const [agent, goal] of [
    [templateAgent, 'Event fixtures: a template run'],
    [llmAgent, LLM_GOAL],
  ]) {
    const done = await cli('aos', [
      ...['run', '--tenant-id', TENANT, '--agent-id', agent.agent_id],
      ...['--goal', goal, '--origin-system-id', 'event-fixtures'],
    ]);
    if (done.status !== 'succeeded') fail(`run ${done.run_id} ${done.status}`);
    say(`${agent.name}: run ${done.run_id} ${done.status}`);
  }
  if (requests.length !== 2) fail(`the model was asked ${requests.length} times, not 2`);
  const keys = (await cli('aos-int', ['keys', 'list'])).keys.map(({ key_id, algorithm, public_key }) => ({
    key_id,
    algorithm,
    public_key,
  }));

  // The rows as stored, read through the embedded database the CLI used.
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

  const day = rows[0].recorded_at.slice(0, 10);
  const made =
    `Rows of aos_events exactly as stored by aos (RunProof v1), from two real runs of ${TENANT} made with ` +
    `the built CLI on ${day} by scripts/capture-event-fixtures.mjs (embedded Postgres; the llm agent's ` +
    `model a local OpenAI-compatible server, ${MODEL}, answering first with a plan using an unknown ` +
    `skill, then with a valid echo plan): \`data\` is the stored text (JCS of the payload), the bytes ` +
    'the chain hashes. Never edit them: the chains and seals of these runs cover these bytes.';
  const file = (description, schemaVersion, events, extra = {}) =>
    `${JSON.stringify({ description: `${description} ${made}`, schema_version: schemaVersion, events, ...extra }, null, 2)}\n`;
  const of = (type) => rows.filter((row) => row.type === type);
  await mkdir(join(OUT, 'events-v1'), { recursive: true });
  await mkdir(join(OUT, 'events-v2'), { recursive: true });
  await writeFile(
    TARGETS.agents,
    file(
      'AgentRegistered, schema version 2: an agent stream\'s only event (aos-agent-<agent_id>): a template agent (planner.kind "template") and an llm agent (planner.kind "llm", skills echo and json_transform), the agents of the two runs of events-v2/runs.json.',
      2,
      of('AgentRegistered'),
    ),
  );
  await writeFile(
    TARGETS.attempts,
    file(
      "PlanningAttempted, schema version 1: a run stream's event (aos-run-<run_id>), one per request to the planner's model: the llm run's first answer, refused (outcome invalid), and the repaired one (outcome accepted). The rest of that run's stream, its seal and the public key are in events-v2/runs.json.",
      1,
      of('PlanningAttempted'),
    ),
  );
  await writeFile(
    TARGETS.runs,
    file(
      'The other rows of the two runs whose agents are in events-v2/AgentRegistered.json (every event of their streams but PlanningAttempted, which is in events-v1/PlanningAttempted.json) and the two RunSealed of the tenant ledger, all of version 1, with the public key of the seals: with the rows of events-v1/PlanningAttempted.json, the chains and seals verify.',
      1,
      rows.filter((row) => row.type !== 'AgentRegistered' && row.type !== 'PlanningAttempted'),
      { public_keys: keys },
    ),
  );
  for (const path of Object.values(TARGETS)) say(`wrote ${path}`);
} catch (error) {
  process.stderr.write(
    `capture-event-fixtures: ${error instanceof CaptureFailure ? error.message : error.stack}\n`,
  );
  process.exitCode = 1;
} finally {
  await database?.release();
  await new Promise((done) => server.close(done));
  await rm(home, { recursive: true, force: true });
}
