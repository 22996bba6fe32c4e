import { PURE_STEPS_PER_APPEND, type RunExecutionDeps } from '../../application/runs/run-execution.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresEventStore } from '../../adapters/postgres/postgres-event-store.js';
import { randomIds } from '../../adapters/random-ids.js';
import { builtinSkillRegistry } from '../../adapters/skills/builtin-skill-registry.js';
import { systemClock } from '../../adapters/system-clock.js';
import { registerAgent } from '../../application/agents/register-agent.js';
import { templatePlanner } from '../../domain/plan/template-planner.js';
import { executeRun } from '../../application/runs/execute-run.js';
import { defaultRedactionPolicy } from '../../domain/secrets/redaction-policy.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { testSigner } from '../support/test-signer.js';

const { signer } = testSigner();
const TENANT = 'tenant-commits';
let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db.drop();
});

/** Which events of a run share a commit (a transaction id): the runner's appends. */
const commitsOf = async (runId: string): Promise<string[][]> => {
  const { rows } = await db.pool.query<{ type: string; tx: string }>(
    'SELECT type, transaction_id::text AS tx FROM aos_events WHERE stream_id = $1 ORDER BY seq',
    [`aos-run-${runId}`],
  );
  const groups: string[][] = [];
  let last: string | null = null;
  for (const row of rows) {
    if (row.tx !== last) groups.push([]);
    groups[groups.length - 1]!.push(row.type);
    last = row.tx;
  }
  return groups;
};

describe('executeRun appends in as few commits as the rules allow', () => {
  const deps = (): RunExecutionDeps => ({
    store: postgresEventStore(db.pool),
    skills: builtinSkillRegistry(),
    planner: templatePlanner,
    clock: systemClock,
    ids: randomIds,
    random: Math.random,
    secret: () => undefined,
    redaction: defaultRedactionPolicy,
    signer,
  });
  const agentWith = async (
    steps: { skill: string; params: Record<string, string | number>; repeat?: number }[],
  ) => {
    const registered = await registerAgent(
      { ...deps() },
      { tenant_id: TENANT, name: 'a', budget_cents: 10, allowed_hosts: [], plan_template: { steps } },
    );
    if (registered._tag === 'Left') throw new Error(JSON.stringify(registered.left));
    return registered.right.agent.agent_id;
  };

  it('commits the opening (created, planned, started) before any step, and pure steps (echo) together with the completion', async () => {
    const agentId = await agentWith([
      { skill: 'echo', params: { message: 'a' } },
      { skill: 'echo', params: { message: 'b' } },
      { skill: 'echo', params: { message: 'c' } },
    ]);
    const run = await executeRun(deps(), {
      tenant_id: TENANT,
      agent_id: agentId,
      goal: 'g',
      origin_system_id: 'test',
    });
    if (run._tag === 'Left') throw new Error(JSON.stringify(run.left));
    expect(await commitsOf(run.right.run_id)).toEqual([
      ['RunCreated', 'RunPlanned', 'RunStarted'],
      ['StepExecuted', 'StepExecuted', 'StepExecuted', 'RunCompleted'],
    ]);
  });

  it('commits every step before a step that is not pure starts, and that step as soon as it ends', async () => {
    const agentId = await agentWith([
      { skill: 'echo', params: { message: 'a' } },
      { skill: 'echo', params: { message: 'b' } },
      { skill: 'wait', params: { ms: 0 } },
      { skill: 'echo', params: { message: 'c' } },
      { skill: 'wait', params: { ms: 0 } },
      { skill: 'echo', params: { message: 'd' } },
    ]);
    const run = await executeRun(deps(), {
      tenant_id: TENANT,
      agent_id: agentId,
      goal: 'g',
      origin_system_id: 'test',
    });
    if (run._tag === 'Left') throw new Error(JSON.stringify(run.left));
    expect(run.right.status).toBe('succeeded');
    expect(await commitsOf(run.right.run_id)).toEqual([
      ['RunCreated', 'RunPlanned', 'RunStarted'],
      ['StepExecuted', 'StepExecuted'],
      ['StepExecuted'],
      ['StepExecuted'],
      ['StepExecuted'],
      ['StepExecuted', 'RunCompleted'],
    ]);
    const { rows } = await db.pool.query<{ seq: number; recorded_at: string; step_index: number }>(
      "SELECT seq, recorded_at, (data::jsonb->>'step_index')::int AS step_index FROM aos_events WHERE stream_id = $1 AND type = 'StepExecuted' ORDER BY seq",
      [`aos-run-${run.right.run_id}`],
    );
    expect(rows.map((r) => r.step_index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it(`appends held pure steps once ${PURE_STEPS_PER_APPEND} are waiting`, async () => {
    const steps = 2 * PURE_STEPS_PER_APPEND + 2;
    const agentId = await agentWith([{ skill: 'echo', params: { message: 'm' }, repeat: steps }]);
    const run = await executeRun(deps(), {
      tenant_id: TENANT,
      agent_id: agentId,
      goal: 'g',
      origin_system_id: 'test',
    });
    if (run._tag === 'Left') throw new Error(JSON.stringify(run.left));
    expect((await commitsOf(run.right.run_id)).map((group) => group.length)).toEqual([
      3,
      PURE_STEPS_PER_APPEND,
      PURE_STEPS_PER_APPEND,
      3,
    ]);
  });

  it("commits a failing step together with the run's failure", async () => {
    const registered = await registerAgent(
      { ...deps() },
      {
        tenant_id: TENANT,
        name: 'refused',
        budget_cents: 10,
        allowed_hosts: ['127.0.0.1:1'],
        plan_template: {
          steps: [
            { skill: 'echo', params: { message: 'a' } },
            { skill: 'http_call', params: { method: 'GET', url: 'http://127.0.0.1:1/' } },
            { skill: 'echo', params: { message: 'never' } },
          ],
        },
      },
    );
    if (registered._tag === 'Left') throw new Error(JSON.stringify(registered.left));
    const run = await executeRun(deps(), {
      tenant_id: TENANT,
      agent_id: registered.right.agent.agent_id,
      goal: 'g',
      origin_system_id: 'test',
    });
    if (run._tag === 'Left') throw new Error(JSON.stringify(run.left));
    expect(run.right.status).toBe('failed');
    expect(await commitsOf(run.right.run_id)).toEqual([
      ['RunCreated', 'RunPlanned', 'RunStarted'],
      ['StepExecuted'],
      ['StepExecuted', 'RunCompleted'],
    ]);
  });

  it('fails, before any step, a run whose goal would complete a secret reference in an agent stored before registration refused such templates', async () => {
    const store = postgresEventStore(db.pool);
    const agent = {
      agent_id: 'agent-old-template',
      tenant_id: TENANT,
      name: 'old',
      budget_cents: 10,
      allowed_hosts: [],
      plan_template: { steps: [{ skill: 'echo', params: { message: '{{{goal}}}' } }] },
    };
    const appended = await store.appendToStream(TENANT, 'aos-agent-agent-old-template', 0, [
      {
        type: 'AgentRegistered',
        data: agent,
        dataCanonical: JSON.stringify(agent),
        recorded_at: systemClock.now(),
        link: null,
      },
    ])();
    if (appended._tag === 'Left') throw new Error(JSON.stringify(appended.left));
    const secretSeen: string[] = [];
    const run = await executeRun(
      {
        ...deps(),
        secret: (name) => {
          secretSeen.push(name);
          return 'the-secret-value';
        },
      },
      { tenant_id: TENANT, agent_id: agent.agent_id, goal: '{secret:API_TOKEN}', origin_system_id: 'test' },
    );
    if (run._tag === 'Left') throw new Error(JSON.stringify(run.left));
    expect(run.right.status).toBe('failed');
    expect(secretSeen).toEqual([]);
    expect(await commitsOf(run.right.run_id)).toEqual([['RunCreated', 'RunCompleted']]);
    const { rows } = await db.pool.query<{ data: string }>(
      "SELECT data FROM aos_events WHERE stream_id = $1 AND type = 'RunCompleted'",
      [`aos-run-${run.right.run_id}`],
    );
    expect(JSON.parse(rows[0]?.data ?? '{}')).toMatchObject({
      status: 'failed',
      error: { code: 'PLAN_INVALID' },
    });
  });
});
