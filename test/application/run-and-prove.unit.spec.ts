import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initKeys, listPublicKeys, loadSigner } from '../../adapters/keys/key-directory.js';
import { randomIds } from '../../adapters/random-ids.js';
import { builtinSkillRegistry } from '../../adapters/skills/builtin-skill-registry.js';
import { systemClock } from '../../adapters/system-clock.js';
import { createAgent } from '../../application/agents/create-agent.js';
import { ledgerHead } from '../../application/ledger/ledger-head.js';
import type { RunKeys } from '../../application/ports/run-keys.js';
import { proveRun } from '../../application/proof/prove-run.js';
import { runAndProve, type RunAndProveDeps } from '../../application/runs/run-and-prove.js';
import { getRun } from '../../application/runs/run-queries.js';
import { templatePlanner } from '../../domain/plan/template-planner.js';
import { defaultRedactionPolicy } from '../../domain/secrets/redaction-policy.js';
import { inMemoryEventStore } from '../support/in-memory/in-memory-event-store.js';
import { inMemoryReadModel } from '../support/in-memory/in-memory-read-model.js';

// The use cases `aos agents create`, `aos run`, `aos runs get` and `aos ledger head` call, on the
// in-memory store and read model: the application layer needs no database.
const TENANT = 'tenant-unit';
let keysDirectory: string;
let keys: RunKeys;

beforeAll(async () => {
  keysDirectory = await mkdtemp(join(tmpdir(), 'aos-unit-keys-'));
  await initKeys(keysDirectory, new Date().toISOString());
  const signer = await loadSigner(keysDirectory);
  if (signer._tag === 'Left') throw new Error(JSON.stringify(signer.left));
  const records = await listPublicKeys(keysDirectory);
  keys = {
    signer: signer.right,
    knownKeys: new Map(records.map((r) => [r.key_id, new Uint8Array(Buffer.from(r.public_key, 'base64'))])),
  };
});
afterAll(() => rm(keysDirectory, { recursive: true, force: true }));

const world = () => {
  const store = inMemoryEventStore();
  const readModel = inMemoryReadModel(store);
  const deps: RunAndProveDeps = {
    store,
    readModel,
    skills: builtinSkillRegistry(),
    planner: templatePlanner,
    clock: systemClock,
    ids: randomIds,
    random: Math.random,
    secret: () => undefined,
    redaction: defaultRedactionPolicy,
  };
  return { store, readModel, deps };
};

const agentOf = async (deps: RunAndProveDeps) => {
  const agent = await createAgent(deps, {
    tenant_id: TENANT,
    name: 'echo agent',
    budget_cents: 100,
    allowed_hosts: [],
    plan_template: { steps: [{ skill: 'echo', params: { message: '{{goal}}' } }] },
  });
  if (agent._tag === 'Left') throw new Error(JSON.stringify(agent.left));
  return agent.right;
};

describe('runAndProve on the in-memory store and read model', () => {
  it('given an agent, when a run is made, then it succeeds, is sealed and proves VERIFIED', async () => {
    const { deps, store } = world();
    const agent = await agentOf(deps);
    const request = { tenant_id: TENANT, agent_id: agent.agent_id, goal: 'say hi', origin_system_id: 'unit' };
    const ran = await runAndProve(deps, request, keys);
    if (ran._tag === 'Left') throw new Error(JSON.stringify(ran.left));
    expect(ran.right.outcome.status).toBe('succeeded');
    expect(ran.right.proof.integrity.verification_status).toBe('VERIFIED');
    expect(ran.right.proof.integrity.chain_length).toBe(5);
    expect(ran.right.proof.seal.status).toBe('sealed');
    expect(ran.right.proof.step_count).toBe(1);
    const run = await getRun(deps, TENANT, ran.right.outcome.run_id);
    expect(run).toMatchObject({ status: 'succeeded', goal: 'say hi', chain_length: 5 });
    expect(await getRun(deps, 'another-tenant', ran.right.outcome.run_id)).toBeUndefined();
    const head = await ledgerHead(store, keys, TENANT, null);
    expect(head._tag === 'Right' && head.right.tree_size).toBe(1);
  });

  it('given a run, when its step row is changed in the read model, then the proof is FAILED on that row', async () => {
    const { deps, store, readModel } = world();
    const agent = await agentOf(deps);
    const request = { tenant_id: TENANT, agent_id: agent.agent_id, goal: 'say hi', origin_system_id: 'unit' };
    const ran = await runAndProve(deps, request, keys);
    if (ran._tag === 'Left') throw new Error(JSON.stringify(ran.left));
    const steps = readModel.tables.get('aos_trace_steps')!;
    for (const [key, row] of steps) steps.set(key, { ...row, status: 'failed' });
    const proof = await proveRun(
      { store, reads: readModel.proofReads },
      TENANT,
      ran.right.outcome.run_id,
      keys.knownKeys,
    );
    expect(proof._tag === 'Right' && proof.right.integrity).toMatchObject({
      verification_status: 'FAILED',
      divergence: {
        source: 'projection',
        field: 'aos_trace_steps.status',
        expected: 'succeeded',
        actual: 'failed',
      },
    });
  });

  it('given no agent, when a run is asked for, then it is refused and nothing is written', async () => {
    const { deps, store } = world();
    const request = { tenant_id: TENANT, agent_id: randomIds.uuid(), goal: 'x', origin_system_id: 'unit' };
    const ran = await runAndProve(deps, request, keys);
    expect(ran._tag === 'Left' && ran.left.kind).toBe('domain');
    expect(store.events).toHaveLength(0);
  });
});
