import * as E from 'fp-ts/lib/Either.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as t from 'io-ts';
import { initKeys } from '../../adapters/keys/key-directory.js';
import { systemClock } from '../../adapters/system-clock.js';
import { randomIds } from '../../adapters/random-ids.js';
import { createAgent } from '../../application/agents/create-agent.js';
import { runAndProve } from '../../application/runs/run-and-prove.js';
import { DEFAULT_BUDGET_CENTS } from '../../domain/agent/budget.js';
import { PlanTemplateInputC } from '../../domain/plan/plan.js';
import { AgentIdC, GoalC, OriginSystemIdC, TenantIdC } from '../../domain/run/identifiers.js';
import { afterSealing } from '../../cli/after-sealing.js';
import { redactionPolicyFromEnv } from '../../cli/redaction-config.js';
import { runDocument } from '../../cli/run-document.js';
import { runExecutionDeps } from '../../cli/run-execution-deps.js';
import { withDatabaseUrl, type Runtime } from '../../cli/runtime.js';
import { requireRunKeys } from '../../cli/signing-keys.js';
import { configuredTsa } from '../../cli/tsa-config.js';
import { configuredWitnesses } from '../../cli/witness-config.js';
import type { RunJson } from './cli-fixtures.js';

/**
 * Fixtures made in the test's own process, by the use cases and adapters the CLI's commands call
 * (`aos-int keys init`, `aos agents create`, `aos run`), for the tests that need a signing key, an
 * agent or a finished run to work on but are not about the command that makes it: each spawn of
 * the built CLI costs a third of a CPU-second. Tests of those commands keep spawning the CLI
 * (cli-fixtures.ts). Only a DATABASE_URL (the test's own database) is served here.
 */

const decoded = <A, O>(codec: t.Type<A, O>, field: string, value: unknown): A => {
  const result = codec.decode(value);
  if (E.isLeft(result)) throw new Error(`in-process fixture: ${field} ${JSON.stringify(value)} is refused`);
  return result.right;
};

const onDatabase = <T>(env: NodeJS.ProcessEnv, work: (runtime: Runtime) => Promise<T>): Promise<T> => {
  if (!env.DATABASE_URL) throw new Error('in-process fixtures work on a DATABASE_URL only');
  return withDatabaseUrl(env.DATABASE_URL, 'external', work);
};

/** `env` plus AOS_KEYS_DIR naming a fresh key directory holding a signing key, as `aos-int keys
 * init` makes it (the same initKeys). */
export const withSigningKeyInProcess = async (env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> => {
  const directory = await mkdtemp(join(tmpdir(), 'aos-keys-'));
  const made = await initKeys(directory, new Date().toISOString());
  if (E.isLeft(made)) throw new Error(`keys init failed: ${made.left.kind}`);
  return { ...env, AOS_KEYS_DIR: directory };
};

/** An agent of plan template `steps` registered in the tenant, as `aos agents create --plan-template`
 * with no other option registers it; its id. */
export const registerAgent = async (
  env: NodeJS.ProcessEnv,
  tenantId: string,
  steps: unknown[],
): Promise<string> => {
  const request = {
    tenant_id: decoded(TenantIdC, 'tenant-id', tenantId),
    name: 'test agent',
    budget_cents: DEFAULT_BUDGET_CENTS,
    allowed_hosts: [],
    plan_template: decoded(PlanTemplateInputC, 'plan-template', { steps }),
  };
  const redaction = redactionPolicyFromEnv(env);
  const agent = await onDatabase(env, ({ store, skills, readModel }) =>
    createAgent({ store, skills, readModel, clock: systemClock, ids: randomIds, redaction }, request),
  );
  if (E.isLeft(agent)) throw new Error(`agents create failed: ${JSON.stringify(agent.left)}`);
  return agent.right.agent_id;
};

/** A run of the agent to its end, as `aos run --json` runs it (sealed with AOS_KEYS_DIR's key, then
 * time-stamped and cosigned as configured) and the document it prints. */
export const runInProcess = async (
  env: NodeJS.ProcessEnv,
  tenantId: string,
  agentId: string,
  goal = 'Run proof v3 validation run',
): Promise<RunJson> => {
  const request = {
    tenant_id: decoded(TenantIdC, 'tenant-id', tenantId),
    agent_id: decoded(AgentIdC, 'agent-id', agentId),
    goal: decoded(GoalC, 'goal', goal),
    origin_system_id: decoded(OriginSystemIdC, 'origin-system-id', 'cus-cli'),
  };
  if (!env.AOS_KEYS_DIR) throw new Error('in-process runs need AOS_KEYS_DIR');
  const keys = await requireRunKeys(env.AOS_KEYS_DIR, { kind: 'file' });
  const notaries = { witnesses: configuredWitnesses(env), tsaUrl: configuredTsa(env) };
  return onDatabase(env, async (runtime) => {
    const ran = await runAndProve(await runExecutionDeps(runtime, env), request, keys);
    if (E.isLeft(ran)) throw new Error(`run failed: ${JSON.stringify(ran.left)}`);
    const { outcome, proof } = ran.right;
    if (proof.seal.status === 'sealed') await afterSealing(runtime, keys, proof, notaries);
    return JSON.parse(JSON.stringify(runDocument(request, outcome, proof))) as RunJson;
  });
};
