import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initKeys, listPublicKeys, loadSigner } from '../../../adapters/keys/key-directory.js';
import { randomIds } from '../../../adapters/random-ids.js';
import { builtinSkillRegistry } from '../../../adapters/skills/builtin-skill-registry.js';
import { systemClock } from '../../../adapters/system-clock.js';
import { createAgent } from '../../../application/agents/create-agent.js';
import type { RunKeys } from '../../../application/ports/run-keys.js';
import type { RunAndProveDeps } from '../../../application/runs/run-and-prove.js';
import type { JsonObject } from '../../../domain/json/json-value.js';
import type { SkillRegistry } from '../../../domain/ports/skill.js';
import { templatePlanner } from '../../../domain/plan/template-planner.js';
import { defaultRedactionPolicy } from '../../../domain/secrets/redaction-policy.js';
import { inMemoryEventStore } from './in-memory-event-store.js';
import { inMemoryReadModel } from './in-memory-read-model.js';

/** A signing key in a fresh key directory, as the use cases take it; `remove` deletes the directory. */
export const unitRunKeys = async (): Promise<{ keys: RunKeys; remove: () => Promise<void> }> => {
  const directory = await mkdtemp(join(tmpdir(), 'aos-unit-keys-'));
  await initKeys(directory, new Date().toISOString());
  const signer = await loadSigner(directory);
  if (signer._tag === 'Left') throw new Error(JSON.stringify(signer.left));
  const records = await listPublicKeys(directory);
  const knownKeys = new Map(
    records.map((r) => [r.key_id, new Uint8Array(Buffer.from(r.public_key, 'base64'))]),
  );
  return {
    keys: { signer: signer.right, knownKeys },
    remove: () => rm(directory, { recursive: true, force: true }),
  };
};

/** The in-memory store and read model, and the ports `aos run` gives its use cases. */
export const inMemoryWorld = (skills: SkillRegistry = builtinSkillRegistry()) => {
  const store = inMemoryEventStore();
  const readModel = inMemoryReadModel(store);
  const deps: RunAndProveDeps = {
    store,
    readModel,
    skills,
    planner: templatePlanner,
    clock: systemClock,
    ids: randomIds,
    random: Math.random,
    secret: () => undefined,
    redaction: defaultRedactionPolicy,
  };
  return { store, readModel, deps };
};

/** A step of a plan template. */
export type TemplateStep = { readonly skill: string; readonly params: JsonObject };

/** Registers an agent with this plan template in the tenant, and returns its id. */
export const agentWithSteps = async (
  deps: RunAndProveDeps,
  tenantId: string,
  steps: readonly TemplateStep[],
): Promise<string> => {
  const agent = await createAgent(deps, {
    tenant_id: tenantId,
    name: 'unit agent',
    budget_cents: 100,
    allowed_hosts: [],
    plan_template: { steps: [...steps] },
  });
  if (agent._tag === 'Left') throw new Error(JSON.stringify(agent.left));
  return agent.right.agent_id;
};
