import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchServer } from './bench-database.js';
import { figure, measure, type Figure } from './bench-report.js';
import { runNode } from './child-processes.js';
import { wallTime } from './cli-latency-bench.js';
import { repeat } from './median.js';
import { progress } from './progress.js';
import { cliPath, type BenchKeys } from './signing-key.js';

/** Issue 19's goal: a read command on a warm embedded server within this of `node -e 0`. */
const GOAL_MS = 300;
const TENANT = 'bench-warm';

/** The CLI on the bench's embedded server as a user has it: no DATABASE_URL, the server's AOS_HOME,
 * the default idle period (the server is up, held by the bench, and each command leaves it idle). */
const warmEnvironment = (server: BenchServer, keys: BenchKeys): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, AOS_HOME: server.home, AOS_KEYS_DIR: keys.directory };
  delete env.DATABASE_URL;
  delete env.AOS_EVENTSTORE_URL;
  delete env.AOS_DB_IDLE_SECONDS;
  return env;
};

const cli = async (env: NodeJS.ProcessEnv, args: readonly string[]): Promise<Record<string, unknown>> => {
  const child = await runNode([cliPath('aos'), ...args, '--json'], env, { timeoutMs: 120_000 });
  if (child.code !== 0) throw new Error(`aos ${args.join(' ')} exited ${child.code}: ${child.stderr}`);
  return JSON.parse(child.stdout) as Record<string, unknown>;
};

/** A small run (3 echo steps) in the server's product database, made with the CLI. */
const smallRun = async (server: BenchServer, env: NodeJS.ProcessEnv): Promise<string> => {
  const template = join(server.home, 'warm-template.json');
  await writeFile(
    template,
    JSON.stringify({ steps: [{ skill: 'echo', params: { message: '{{goal}}' }, repeat: 3 }] }),
  );
  const agent = await cli(env, [
    'agents',
    'create',
    '--tenant-id',
    TENANT,
    '--name',
    'warm',
    '--plan-template',
    template,
  ]);
  const run = await cli(env, [
    'run',
    '--tenant-id',
    TENANT,
    '--agent-id',
    String(agent.agent_id),
    '--goal',
    'warm',
  ]);
  return String(run.run_id);
};

/** `aos runs list`, `aos proof` of a small run and `aos events` of it, on the embedded server already
 * running (the second command of a session and after), beside `node -e 0` timed the same way: the
 * difference is what a warm command costs over starting Node, against the 300 ms goal. */
export const warmServerBench = async (
  server: BenchServer,
  samples: number,
  reps: number,
  keys: BenchKeys,
): Promise<Figure[]> => {
  const env = warmEnvironment(server, keys);
  const runId = await smallRun(server, env);
  const run = ['--tenant-id', TENANT, '--run-id', runId, '--json'];
  const commands: readonly (readonly [string, readonly string[]])[] = [
    ['aos runs list', ['runs', 'list', '--tenant-id', TENANT, '--json']],
    ['aos proof', ['proof', ...run]],
    ['aos events', ['events', ...run]],
  ];
  const results = await repeat(reps, async (rep) => {
    const node = await wallTime(['-e', '0'], env, samples);
    const times: number[] = [];
    for (const [, args] of commands) times.push(await wallTime([cliPath('aos'), ...args], env, samples));
    progress(
      `warm rep ${rep}: ${commands.map(([name], i) => `${name} ${times[i]?.toFixed(0)} ms`).join(', ')}, node -e 0 ${node.toFixed(0)} ms`,
    );
    return { node, times };
  });
  const node = measure(
    'node -e 0',
    'ms',
    results.map((r) => r.node),
  );
  return commands.map(([name], i) => {
    const ours = measure(
      name,
      'ms',
      results.map((r) => r.times[i] ?? Number.NaN),
    );
    const over = ours.median - node.median;
    const verdict = over <= GOAL_MS ? 'PASS' : 'over goal';
    progress(
      `warm ${name}: ${over >= 0 ? '+' : ''}${over.toFixed(0)} ms over node -e 0 (goal ≤ ${GOAL_MS} ms): ${verdict}`,
    );
    const made = figure(
      'CLI on a warm server',
      `${name} --json on the embedded server already up (small run: 3 echo steps; median of ${samples} after 1 warm-up, per rep)`,
      { ...ours, detail: `${over >= 0 ? '+' : ''}${over.toFixed(0)} ms over node -e 0` },
      node,
      'aos/node',
      null,
      { over_node_ms: over },
    );
    return { ...made, goal: { text: `≤ node -e 0 + ${GOAL_MS} ms`, met: over <= GOAL_MS } };
  });
};
