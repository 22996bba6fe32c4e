import { relative } from 'node:path';
import { postgresEventStore } from '../adapters/postgres/postgres-event-store.js';
import type { BenchServer } from './bench-database.js';
import { figure, measure, type Figure } from './bench-report.js';
import { runNode } from './child-processes.js';
import { median, repeat } from './median.js';
import { BENCH_TENANT, registerEchoAgent } from './product-wiring.js';
import { progress } from './progress.js';
import { cliEnvironment, cliPath, unbundledCliPath, type BenchKeys } from './signing-key.js';

const ECHO_STEPS = 5;

/** Median wall time of `samples` runs of `node <args>` after one warm-up; every run must exit 0. */
export const wallTime = async (
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  samples: number,
  check: (stdout: string) => void = () => undefined,
): Promise<number> => {
  const times: number[] = [];
  for (let i = 0; i <= samples; i++) {
    const child = await runNode(args, env, { timeoutMs: 120_000 });
    if (child.code !== 0) throw new Error(`node ${args.join(' ')} exited ${child.code}: ${child.stderr}`);
    check(child.stdout);
    if (i > 0) times.push(child.ms);
  }
  return median(times);
};

const succeeded = (stdout: string) => {
  const document = JSON.parse(stdout) as { status?: string; integrity?: { verification_status?: string } };
  if (document.status !== 'succeeded' || document.integrity?.verification_status !== 'VERIFIED')
    throw new Error(`aos run did not succeed and verify: ${stdout}`);
};

/** `aos run --json` of a 5-step echo agent against the bench database (execute, seal, project,
 * prove), as shipped (package.json bin), beside `node -e 0` timed the same way; and the CLI
 * compiled module by module (dist/cli) when the shipped one is a bundle. */
export const cliLatencyBench = async (
  server: BenchServer,
  samples: number,
  reps: number,
  keys: BenchKeys,
): Promise<Figure[]> => {
  const database = await server.database('bench_cli', { migrated: true });
  try {
    const agent = await registerEchoAgent(postgresEventStore(database.pool(1)), BENCH_TENANT, ECHO_STEPS);
    const env = cliEnvironment(database.url, keys.directory);
    const args = (cli: string) => [
      cli,
      'run',
      '--tenant-id',
      BENCH_TENANT,
      '--agent-id',
      agent.agent_id,
      '--goal',
      'bench latency',
      '--json',
    ];
    const shipped = cliPath('aos');
    const unbundled = unbundledCliPath('aos');
    const root = new URL('../../', import.meta.url).pathname;
    const results = await repeat(reps, async (rep) => {
      const aos = await wallTime(args(shipped), env, samples, succeeded);
      const node = await wallTime(['-e', '0'], env, samples);
      const modules = unbundled === shipped ? null : await wallTime(args(unbundled), env, samples, succeeded);
      progress(
        `cli rep ${rep}: aos run ${aos.toFixed(0)} ms${modules === null ? '' : ` (unbundled ${modules.toFixed(0)} ms)`}, node -e 0 ${node.toFixed(0)} ms (medians of ${samples})`,
      );
      return { aos, node, modules };
    });
    const node = measure(
      'node -e 0',
      'ms',
      results.map((r) => r.node),
    );
    const figures = [
      figure(
        'CLI latency',
        `aos run --json, ${ECHO_STEPS} echo steps (node ${relative(root, shipped)}; median of ${samples} after 1 warm-up, per rep)`,
        measure(
          'aos run',
          'ms',
          results.map((r) => r.aos),
        ),
        node,
        'aos/node',
        { text: '≤ 4×', test: (r) => r <= 4 },
      ),
    ];
    const modules = results.flatMap((r) => (r.modules === null ? [] : [r.modules]));
    if (modules.length > 0) {
      figures.push(
        figure(
          'CLI latency (diagnostic)',
          `the same, unbundled (node ${relative(root, unbundled)})`,
          measure('aos run', 'ms', modules),
          node,
          'aos/node',
          null,
        ),
      );
    }
    return figures;
  } finally {
    await database.drop();
  }
};
