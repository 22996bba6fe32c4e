import { generateKeyPairSync, sign } from 'node:crypto';
import { rawPublicKeyOf } from '../adapters/keys/key-directory.js';
import type { RunExecutionDeps } from '../application/runs/run-execution.js';
import { randomIds } from '../adapters/random-ids.js';
import { builtinSkillRegistry } from '../adapters/skills/builtin-skill-registry.js';
import { systemClock } from '../adapters/system-clock.js';
import type { AgentRegistered } from '../domain/agent/agent-events.js';
import { registerAgent } from '../application/agents/register-agent.js';
import { templatePlanner } from '../domain/plan/template-planner.js';
import type { EventStore } from '../domain/ports/event-store.js';
import type { Signer } from '../domain/ports/signing-keys.js';
import type { Skill, SkillRegistry } from '../domain/ports/skill.js';
import { runproofKeyId } from '../domain/proof/ed25519-keys.js';
import { defaultRedactionPolicy } from '../domain/secrets/redaction-policy.js';

/** The built-in skills, or the same with none of them pure (every step's record appended on its
 * own, as for a skill with effects: the per-step write path). */
const skillsFor = (pureSteps: boolean): SkillRegistry => {
  const builtin = builtinSkillRegistry();
  if (pureSteps) return builtin;
  const effectful = (skill: Skill | undefined) =>
    skill === undefined ? undefined : { ...skill, pure: false };
  return {
    get: (name) => effectful(builtin.get(name)),
    list: () => builtin.list().map((skill) => ({ ...skill, pure: false })),
  };
};

/** A signing key made in this process (never written anywhere): the bench's runs are sealed with
 * their completion, as every run of the product is. */
export const inProcessSigner = (): Signer => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const raw = rawPublicKeyOf(privateKey);
  return {
    keyId: runproofKeyId(raw),
    publicKey: raw,
    sign: (message) => new Uint8Array(sign(null, message, privateKey)),
    signNote: () => {
      throw new Error('the bench signs seals only');
    },
  };
};

/** The runner's dependencies as the product wires them (no secrets, default redaction); the runs
 * are sealed with `signer` (a key made in this process unless given). */
export const runExecutionDeps = (
  store: EventStore,
  options: { readonly pureSteps?: boolean; readonly signer?: Signer } = {},
): RunExecutionDeps => ({
  signer: options.signer ?? inProcessSigner(),
  store,
  skills: skillsFor(options.pureSteps ?? true),
  planner: templatePlanner,
  clock: systemClock,
  ids: randomIds,
  random: Math.random,
  secret: () => undefined,
  redaction: defaultRedactionPolicy,
});

/** Registers an agent whose template is `steps` echo steps of the goal. */
export const registerEchoAgent = async (
  store: EventStore,
  tenantId: string,
  steps: number,
): Promise<AgentRegistered> => {
  const agent = await registerAgent(
    {
      store,
      skills: builtinSkillRegistry(),
      clock: systemClock,
      ids: randomIds,
      redaction: defaultRedactionPolicy,
    },
    {
      tenant_id: tenantId,
      name: `bench echo x${steps}`,
      budget_cents: 100,
      allowed_hosts: [],
      plan_template: {
        steps: Array.from({ length: steps }, () => ({ skill: 'echo', params: { message: '{{goal}}' } })),
      },
    },
  );
  if (agent._tag === 'Left')
    throw new Error(`registering the bench agent failed: ${JSON.stringify(agent.left)}`);
  return agent.right.agent;
};

export const BENCH_TENANT = 'bench-tenant';
