import { describe, expect, it } from 'vitest';
import { randomIds } from '../../adapters/random-ids.js';
import { builtinSkillRegistry } from '../../adapters/skills/builtin-skill-registry.js';
import { systemClock } from '../../adapters/system-clock.js';
import { createAgent } from '../../application/agents/create-agent.js';
import type { ReadModel } from '../../application/ports/read-model.js';
import { proveRun } from '../../application/proof/prove-run.js';
import { runAndProve, type RunAndProveDeps } from '../../application/runs/run-and-prove.js';
import { templatePlanner } from '../../domain/plan/template-planner.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import { defaultRedactionPolicy } from '../../domain/secrets/redaction-policy.js';
import { STEP_COLUMNS } from '../../projections/stored-step-cells.js';
import { testSigner } from '../support/test-signer.js';

/** What every read model must do, whatever it is kept in: `open` gives a fresh store and the read
 * model the projector keeps from it. */
export type ReadModelSubject = { readonly store: EventStore; readonly readModel: ReadModel };

const depsOf = ({ store, readModel }: ReadModelSubject): RunAndProveDeps => ({
  store,
  readModel,
  skills: builtinSkillRegistry(),
  planner: templatePlanner,
  clock: systemClock,
  ids: randomIds,
  random: Math.random,
  secret: () => undefined,
  redaction: defaultRedactionPolicy,
});

/** One tenant's agent and two runs of it (an echo, then a json_transform reading it). */
const twoRuns = async (subject: ReadModelSubject, tenantId: string) => {
  const deps = depsOf(subject);
  const keys = testSigner();
  const agent = await createAgent(deps, {
    tenant_id: tenantId,
    name: 'contract agent',
    budget_cents: 100,
    allowed_hosts: [],
    plan_template: {
      steps: [
        { skill: 'echo', params: { message: '{{goal}}' } },
        { skill: 'json_transform', params: { expression: 'message', input_from_step: 0 } },
      ],
    },
  });
  if (agent._tag === 'Left') throw new Error(JSON.stringify(agent.left));
  const runs: string[] = [];
  for (const goal of ['first goal', 'second goal']) {
    const request = {
      tenant_id: tenantId,
      agent_id: agent.right.agent_id,
      goal,
      origin_system_id: 'contract',
    };
    const ran = await runAndProve(deps, request, keys);
    if (ran._tag === 'Left') throw new Error(JSON.stringify(ran.left));
    runs.push(ran.right.outcome.run_id);
  }
  return { agentId: agent.right.agent_id, runs, keys };
};

export const readModelContract = (name: string, open: () => Promise<ReadModelSubject>): void => {
  describe(`read model contract: ${name}`, () => {
    it('holds each run, by tenant only, newest first, with its agent', async () => {
      const subject = await open();
      const tenant = `tenant-${randomIds.uuid().slice(0, 8)}`;
      const { agentId, runs } = await twoRuns(subject, tenant);
      const { queries } = subject.readModel;
      expect(await queries.getRun(tenant, runs[0]!)).toMatchObject({
        run_id: runs[0],
        tenant_id: tenant,
        agent_id: agentId,
        goal: 'first goal',
        status: 'succeeded',
        attempt: 1,
        budget_cents: 100,
        chain_length: 6,
      });
      expect(await queries.getRun('another-tenant', runs[0]!)).toBeUndefined();
      expect((await queries.listRuns(tenant, 10)).map((r) => r.goal)).toEqual(['second goal', 'first goal']);
      expect(await queries.listRuns(tenant, 1)).toHaveLength(1);
      expect(await queries.listRuns('another-tenant', 10)).toEqual([]);
      expect(await queries.listAgents(tenant)).toMatchObject([
        { agent_id: agentId, planner: 'template', steps: 2, budget_cents: 100 },
      ]);
    });

    it("gives a planner its agent's completed runs in the tenant, the last completed first", async () => {
      const subject = await open();
      const tenant = `tenant-${randomIds.uuid().slice(0, 8)}`;
      const { agentId } = await twoRuns(subject, tenant);
      const { queries } = subject.readModel;
      const memory = await queries.completedRunsOfAgent(tenant, agentId, 5);
      expect(memory.map((r) => [r.goal, r.status])).toEqual([
        ['second goal', 'succeeded'],
        ['first goal', 'succeeded'],
      ]);
      expect(memory[0]?.plan).toMatchObject({
        planner: 'template',
        steps: [{ skill: 'echo' }, { skill: 'json_transform' }],
      });
      expect(await queries.completedRunsOfAgent(tenant, agentId, 1)).toHaveLength(1);
      expect(await queries.completedRunsOfAgent('another-tenant', agentId, 5)).toEqual([]);
      expect(await queries.completedRunsOfAgent(tenant, 'another-agent', 5)).toEqual([]);
    });

    it("gives the proof each run's trace row, step rows in seq order, seal index and no foreign event", async () => {
      const subject = await open();
      const tenant = `tenant-${randomIds.uuid().slice(0, 8)}`;
      const { runs } = await twoRuns(subject, tenant);
      const reads = subject.readModel.proofReads;
      const [first, second] = runs as [string, string];
      expect(await reads.traceRows(first)).toMatchObject([
        { run_id: first, status: 'succeeded', step_count: 2 },
      ]);
      expect(await reads.stepCount(first)).toBe(2);
      const rows = [];
      for await (const batch of reads.stepRowFields(first)) rows.push(...batch);
      const seq = STEP_COLUMNS.findIndex(([column]) => column === 'seq');
      expect(rows.map((fields) => [fields.length, fields[seq]])).toEqual([
        [STEP_COLUMNS.length, '3'],
        [STEP_COLUMNS.length, '4'],
      ]);
      expect([await reads.sealIndex(tenant, first), await reads.sealIndex(tenant, second)]).toEqual([0, 1]);
      expect(await reads.sealIndex('another-tenant', first)).toBeUndefined();
      expect(await reads.foreignEventAfter(tenant, first, 0)).toBe(false);
    });

    it('proves a run VERIFIED and sealed, and again after a rebuild', async () => {
      const subject = await open();
      const tenant = `tenant-${randomIds.uuid().slice(0, 8)}`;
      const { runs, keys } = await twoRuns(subject, tenant);
      const prove = () =>
        proveRun(
          { store: subject.store, reads: subject.readModel.proofReads },
          tenant,
          runs[1]!,
          keys.knownKeys,
        );
      const before = await prove();
      expect(
        before._tag === 'Right' && [before.right.integrity.verification_status, before.right.seal.status],
      ).toEqual(['VERIFIED', 'sealed']);
      const rebuilt = await subject.readModel.projections.rebuild();
      expect(rebuilt._tag).toBe('Right');
      const after = await prove();
      expect(after._tag === 'Right' && after.right.integrity).toEqual(
        before._tag === 'Right' && before.right.integrity,
      );
      expect((await subject.readModel.queries.listRuns(tenant, 10)).map((r) => r.run_id)).toEqual(
        [...runs].reverse(),
      );
    });
  });
};
