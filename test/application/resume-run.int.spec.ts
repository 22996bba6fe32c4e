import { planTemplateOf } from '../../domain/agent/agent-planner.js';
import { applyRunCommand, type RunExecutionDeps } from '../../application/runs/run-execution.js';
import { runStreamId } from '../../domain/stream-names.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresEventStore } from '../../adapters/postgres/postgres-event-store.js';
import { randomIds } from '../../adapters/random-ids.js';
import { builtinSkillRegistry } from '../../adapters/skills/builtin-skill-registry.js';
import { systemClock } from '../../adapters/system-clock.js';
import { registerAgent } from '../../application/agents/register-agent.js';
import { withStepDefaults } from '../../domain/plan/step-defaults.js';
import { templatePlanner } from '../../domain/plan/template-planner.js';
import { resumeRun } from '../../application/runs/resume-run.js';
import { emptyRunStream, type RunStream } from '../../domain/run/run-stream.js';
import { executeStep } from '../../application/runs/execute-step.js';
import { defaultRedactionPolicy } from '../../domain/secrets/redaction-policy.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { testSigner } from '../support/test-signer.js';

const { signer } = testSigner();
const TENANT = 'tenant-resume';
const RUN_ID = '7a1f2b3c-4d5e-4f60-8a71-92b3c4d5e6f7';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db.drop();
});

/** Resume without a kill: a process records the first step and stops; another resumes. The later
 * steps must see the first one's outcome through the records reloaded from the store. */
describe('resumeRun: a run continued by another process', () => {
  it('continues from the first step without a record, with earlier outcomes available to data flow', async () => {
    const store = postgresEventStore(db.pool);
    const skills = builtinSkillRegistry();
    const deps: RunExecutionDeps = {
      store,
      skills,
      planner: templatePlanner,
      clock: systemClock,
      ids: randomIds,
      random: Math.random,
      secret: () => undefined,
      redaction: defaultRedactionPolicy,
      signer,
    };
    const registered = await registerAgent(
      { ...deps },
      {
        tenant_id: TENANT,
        name: 'flow',
        budget_cents: 10,
        allowed_hosts: [],
        plan_template: {
          steps: [
            { skill: 'echo', params: { message: 'first {{goal}}' } },
            { skill: 'json_transform', params: { expression: 'message', input_from_step: 0 } },
            { skill: 'echo', params: { message: 'saw: {{steps.0.outcome.data.message}}' } },
          ],
        },
      },
    );
    if (registered._tag === 'Left') throw new Error(JSON.stringify(registered.left));
    const agent = registered.right.agent;

    // The first process: created, planned, started, step 0 recorded; then it stops.
    let stream: RunStream = emptyRunStream(TENANT, RUN_ID);
    const apply = async (command: Parameters<typeof applyRunCommand>[2]) => {
      const next = await applyRunCommand(deps, stream, command);
      if (next._tag === 'Left') throw new Error(JSON.stringify(next.left));
      stream = next.right;
    };
    await apply({
      type: 'CreateRun',
      run_id: RUN_ID,
      tenant_id: TENANT,
      agent_id: agent.agent_id,
      goal: 'go',
      origin_system_id: 'test',
      agent,
    });
    const plan = withStepDefaults(
      await templatePlanner.plan({ goal: 'go', template: planTemplateOf(agent.planner)! }),
      {
        max_retries: 0,
        timeout_ms: 5000,
      },
    );
    await apply({ type: 'RecordPlan', plan });
    await apply({ type: 'StartRun' });
    const first = await executeStep(
      deps,
      { ...plan.steps[0]!, max_retries: 0, timeout_ms: 5000 },
      { previousOutcomes: new Map(), previousSteps: new Map(), allowedHosts: [], budgetRemainingCents: 10 },
    );
    await apply({ type: 'RecordStep', step: first.record });

    const resumed = await resumeRun(deps, TENANT, RUN_ID, 'rerun_if_idempotent');
    if (resumed._tag === 'Left') throw new Error(JSON.stringify(resumed.left));
    expect(resumed.right.outcome?.status).toBe('succeeded');
    const events = await store.readStream(TENANT, runStreamId(RUN_ID))();
    if (events._tag === 'Left') throw new Error(JSON.stringify(events.left));
    expect(events.right.map((e) => e.type)).toEqual([
      'RunCreated',
      'RunPlanned',
      'RunStarted',
      'StepExecuted',
      'RunStarted',
      'StepExecuted',
      'StepExecuted',
      'RunCompleted',
    ]);
    const steps = events.right
      .filter((e) => e.type === 'StepExecuted')
      .map((e) => e.data as { step_index: number; params: unknown; outcome: { data: unknown } });
    expect(steps.map((s) => s.step_index)).toEqual([0, 1, 2]);
    expect(steps[1]?.outcome.data).toEqual({ result: 'first go' });
    expect(steps[2]?.params).toEqual({ message: 'saw: first go' });
    expect(events.right[4]?.data).toEqual({ attempt: 2 });
  });

  it.each([
    ['created only', 1],
    ['created and planned', 2],
  ])(
    'resumes a stream another writer left %s: plans (if needed), starts and executes it',
    async (_label, commands) => {
      const store = postgresEventStore(db.pool);
      const skills = builtinSkillRegistry();
      const deps: RunExecutionDeps = {
        store,
        skills,
        planner: templatePlanner,
        clock: systemClock,
        ids: randomIds,
        random: Math.random,
        secret: () => undefined,
        redaction: defaultRedactionPolicy,
        signer,
      };
      const registered = await registerAgent(
        { ...deps },
        {
          tenant_id: TENANT,
          name: 'partial',
          budget_cents: 10,
          allowed_hosts: [],
          plan_template: { steps: [{ skill: 'echo', params: { message: '{{goal}}' } }] },
        },
      );
      if (registered._tag === 'Left') throw new Error(JSON.stringify(registered.left));
      const agent = registered.right.agent;
      const runId = randomIds.uuid();
      let stream: RunStream = emptyRunStream(TENANT, runId);
      const created = await applyRunCommand(deps, stream, {
        type: 'CreateRun',
        run_id: runId,
        tenant_id: TENANT,
        agent_id: agent.agent_id,
        goal: 'late',
        origin_system_id: 'test',
        agent,
      });
      if (created._tag === 'Left') throw new Error(JSON.stringify(created.left));
      stream = created.right;
      if (commands === 2) {
        const plan = withStepDefaults(
          await templatePlanner.plan({ goal: 'late', template: planTemplateOf(agent.planner)! }),
          { max_retries: 0, timeout_ms: 5000 },
        );
        const planned = await applyRunCommand(deps, stream, { type: 'RecordPlan', plan });
        if (planned._tag === 'Left') throw new Error(JSON.stringify(planned.left));
      }
      const resumed = await resumeRun(deps, TENANT, runId, 'rerun_if_idempotent');
      if (resumed._tag === 'Left') throw new Error(JSON.stringify(resumed.left));
      expect(resumed.right.outcome?.status).toBe('succeeded');
      const events = await store.readStream(TENANT, runStreamId(runId))();
      if (events._tag === 'Left') throw new Error(JSON.stringify(events.left));
      expect(events.right.map((e) => e.type)).toEqual([
        'RunCreated',
        'RunPlanned',
        'RunStarted',
        'StepExecuted',
        'RunCompleted',
      ]);
      expect(events.right[2]?.data).toEqual({ attempt: 1 });
    },
  );
});
