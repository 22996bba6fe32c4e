import { applyRunCommands } from '../../application/runs/run-execution.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresEventStore } from '../../adapters/postgres/postgres-event-store.js';
import { randomIds } from '../../adapters/random-ids.js';
import { builtinSkillRegistry } from '../../adapters/skills/builtin-skill-registry.js';
import { systemClock } from '../../adapters/system-clock.js';
import { registerAgent } from '../../application/agents/register-agent.js';
import { emptyRunStream } from '../../domain/run/run-stream.js';
import { defaultRedactionPolicy } from '../../domain/secrets/redaction-policy.js';
import { waitForProjections } from '../../adapters/postgres/read-model/catch-up-pass.js';
import type { RunProof } from '../../application/proof/run-proof.js';
import { sweepRuns } from '../../application/proof/verify-all-runs.js';
import { postgresSweepSources } from '../support/postgres-sources.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';

const TENANT = 'tenant-live-sweep';
let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db.drop();
});

describe('sweepRuns and a run still being written', () => {
  it('catches an open run up and proves it again before a projection divergence counts', async () => {
    const store = postgresEventStore(db.pool);
    const deps = { store, clock: systemClock };
    const agent = await registerAgent(
      {
        store,
        skills: builtinSkillRegistry(),
        clock: systemClock,
        ids: randomIds,
        redaction: defaultRedactionPolicy,
      },
      {
        tenant_id: TENANT,
        name: 'a',
        budget_cents: 10,
        allowed_hosts: [],
        plan_template: {
          steps: [
            { skill: 'echo', params: { message: 'x' } },
            { skill: 'echo', params: { message: 'y' } },
          ],
        },
      },
    );
    if (agent._tag === 'Left') throw new Error(JSON.stringify(agent.left));
    const runId = randomIds.uuid();
    const plan = {
      planner: 'template',
      planner_version: '1',
      steps: [0, 1].map((index) => ({
        index,
        skill: 'echo',
        params: { message: 'x' },
        max_retries: 0,
        timeout_ms: 1000,
        on_failure: 'stop' as const,
      })),
    };
    const opened = await applyRunCommands(deps, emptyRunStream(TENANT, runId), [
      {
        type: 'CreateRun',
        run_id: runId,
        tenant_id: TENANT,
        agent_id: agent.right.agent.agent_id,
        goal: 'live',
        origin_system_id: 'test',
        agent: agent.right.agent,
      },
      { type: 'RecordPlan', plan },
      { type: 'StartRun' },
    ]);
    if (opened._tag === 'Left' || opened.right.lastPosition === null) throw new Error('opening failed');
    const projected = await waitForProjections(db.pool, store, opened.right.lastPosition);
    expect(projected._tag).toBe('Right');
    // Another process appends a step after the projections were read: the rows are one step behind.
    const step = {
      step_index: 0,
      skill: 'echo',
      params: { message: 'x' },
      status: 'succeeded' as const,
      outcome: { category: 'success', code: 'OK', data: { message: 'x' } },
      cost_cents: 0,
      duration_ms: 0.1,
      retry_count: 0,
    };
    const stepped = await applyRunCommands(deps, opened.right, [{ type: 'RecordStep', step }]);
    if (stepped._tag === 'Left' || stepped.right.lastPosition === null) throw new Error('step failed');
    const target = stepped.right.lastPosition;

    const proofs: RunProof[] = [];
    const caughtUp: string[] = [];
    const swept = await sweepRuns(
      postgresSweepSources(db.pool, store),
      TENANT,
      new Map(),
      (proof) => proofs.push(proof),
      undefined,
      async (tenant, run) => {
        caughtUp.push(`${tenant}/${run}`);
        await waitForProjections(db.pool, store, target);
      },
    );
    expect(swept).toEqual({ _tag: 'Right', right: 1 });
    expect(caughtUp).toEqual([`${TENANT}/${runId}`]);
    expect(proofs.map((p) => [p.integrity.verification_status, p.seal.status])).toEqual([
      ['VERIFIED', 'not_completed'],
    ]);

    // Without a catch-up the divergence is reported: the sweep does not hide it.
    const stale = await applyRunCommands(deps, stepped.right, [
      { type: 'RecordStep', step: { ...step, step_index: 1 } },
    ]);
    expect(stale._tag).toBe('Right');
    const failed: RunProof[] = [];
    await sweepRuns(postgresSweepSources(db.pool, store), TENANT, new Map(), (proof) => failed.push(proof));
    expect(failed.map((p) => [p.integrity.verification_status, p.integrity.divergence?.source])).toEqual([
      ['FAILED', 'projection'],
    ]);
  });
});
