// Seeds a database with many sealed runs through the product's own write path (agent registration,
// run execution sealed with its completion, projection), in-process, for scale checks such as
// `aos-int verify-all` over 10,000 runs:
//   DATABASE_URL=... AOS_KEYS_DIR=... node dist/bench/seed-sealed-runs.js --tenant-id t --runs 10000
import pg from 'pg';
import { keyDirectory, loadSigner } from '../adapters/keys/key-directory.js';
import { migrate } from '../adapters/postgres/migrator.js';
import { postgresEventStore } from '../adapters/postgres/postgres-event-store.js';
import { randomIds } from '../adapters/random-ids.js';
import { builtinSkillRegistry } from '../adapters/skills/builtin-skill-registry.js';
import { systemClock } from '../adapters/system-clock.js';
import { registerAgent } from '../application/agents/register-agent.js';
import { templatePlanner } from '../domain/plan/template-planner.js';
import { executeRun } from '../application/runs/execute-run.js';
import { catchUpProjections } from '../adapters/postgres/read-model/catch-up-pass.js';
import { defaultRedactionPolicy } from '../domain/secrets/redaction-policy.js';

const argument = (name: string, fallback: string): string => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
};

const main = async (): Promise<void> => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const tenantId = argument('tenant-id', 'bench-tenant');
  const runs = Number(argument('runs', '1000'));
  const concurrency = Number(argument('concurrency', '8'));
  const pool = new pg.Pool({ connectionString: url, max: concurrency + 2 });
  await migrate(pool);
  const store = postgresEventStore(pool);
  const signer = await loadSigner(keyDirectory(process.env));
  if (signer._tag === 'Left') throw new Error(`signing key: ${JSON.stringify(signer.left)}`);
  const skills = builtinSkillRegistry();
  const agent = await registerAgent(
    { store, skills, clock: systemClock, ids: randomIds, redaction: defaultRedactionPolicy },
    {
      tenant_id: tenantId,
      name: 'bench agent',
      budget_cents: 100,
      allowed_hosts: [],
      plan_template: {
        steps: [
          { skill: 'echo', params: { message: '{{goal}}' } },
          { skill: 'json_transform', params: { expression: 'message', input_from_step: 0 } },
        ],
      },
    },
  );
  if (agent._tag === 'Left') throw new Error(`agent: ${JSON.stringify(agent.left)}`);
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < runs) {
      next += 1;
      const run = await executeRun(
        {
          store,
          skills,
          planner: templatePlanner,
          clock: systemClock,
          ids: randomIds,
          random: Math.random,
          secret: () => undefined,
          redaction: defaultRedactionPolicy,
          signer: signer.right,
        },
        {
          tenant_id: tenantId,
          agent_id: agent.right.agent.agent_id,
          goal: `run ${next}`,
          origin_system_id: 'bench',
        },
      );
      if (run._tag === 'Left') throw new Error(`run: ${JSON.stringify(run.left)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  for (;;) {
    const pass = await catchUpProjections(pool, store, { batchSize: 1000 });
    if (pass._tag === 'Left') throw new Error(`projection: ${JSON.stringify(pass.left)}`);
    if (pass.right.applied === 0) break;
  }
  process.stderr.write(
    `seeded ${runs} sealed runs for ${tenantId} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  await pool.end();
};

await main();
