import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
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
import { createAgent as createAgentByCli, runGoal, type RunJson } from './cli-fixtures.js';

/**
 * Fixtures made in the test's own process, by the use cases and adapters the CLI's commands call
 * (`aos agents create`, `aos run`), for the tests that need an agent or a finished run to work on
 * but are not about the command that makes it: each spawn of the built CLI costs some 0.2-0.3
 * CPU-seconds. Tests of those commands keep spawning the CLI (cli-fixtures.ts).
 */

const decoded = <A, O>(codec: t.Type<A, O>, field: string, value: unknown): A => {
  const result = codec.decode(value);
  if (E.isLeft(result)) throw new Error(`in-process fixture: ${field} ${JSON.stringify(value)} is refused`);
  return result.right;
};

/** Whether this process can do what the CLI would with `env`: the test's own DATABASE_URL, and
 * nothing the adapters read from the process environment instead (llm_invoke's AOS_LLM_*), nor
 * EventStoreDB, nor a PKCS#11 signer. Otherwise the fixtures below spawn the command. */
const servedHere = (env: NodeJS.ProcessEnv): boolean =>
  Boolean(env.DATABASE_URL) &&
  !env.AOS_EVENTSTORE_URL &&
  !env.AOS_SIGNER &&
  !Object.keys(env).some((name) => name.startsWith('AOS_LLM_'));

const onDatabase = <T>(env: NodeJS.ProcessEnv, work: (runtime: Runtime) => Promise<T>): Promise<T> =>
  withDatabaseUrl(env.DATABASE_URL ?? '', 'external', work);

/** The request fields of the `aos agents create` options the fixtures pass (`extra`). */
const agentOptions = (extra: readonly string[]) => {
  const fields: { budget_cents?: number; max_retries?: number; step_timeout_ms?: number } = {};
  const allowed_hosts: string[] = [];
  for (let n = 0; n < extra.length; n += 2) {
    const [option, value = ''] = [extra[n], extra[n + 1]];
    if (option === '--allowed-host') allowed_hosts.push(value);
    else if (option === '--budget-cents') fields.budget_cents = Number(value);
    else if (option === '--max-retries') fields.max_retries = Number(value);
    else if (option === '--step-timeout-ms') fields.step_timeout_ms = Number(value);
    else throw new Error(`registerAgent does not know the option ${option}`);
  }
  return { ...fields, allowed_hosts };
};

/** An agent of plan template `steps` registered in the tenant, as `aos agents create --plan-template`
 * (with the options in `extra`) registers it; its id (the command registers it where this process
 * cannot: servedHere). */
export const registerAgent = async (
  env: NodeJS.ProcessEnv,
  tenantId: string,
  steps: unknown[],
  extra: readonly string[] = [],
): Promise<string> => {
  if (!servedHere(env)) return createAgentByCli(env, tenantId, steps, [...extra]);
  const request = {
    tenant_id: decoded(TenantIdC, 'tenant-id', tenantId),
    name: 'test agent',
    budget_cents: DEFAULT_BUDGET_CENTS,
    ...agentOptions(extra),
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
 * time-stamped and cosigned as configured) and the document it prints; by the command where this
 * process cannot (servedHere). */
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
  if (!servedHere(env) || !env.AOS_KEYS_DIR) {
    const { result, ...run } = await runGoal(env, tenantId, agentId, goal);
    if (result.code !== 0) throw new Error(`aos run failed (${result.code}): ${result.stderr}`);
    return run;
  }
  const keys = await requireRunKeys(env.AOS_KEYS_DIR, { kind: 'file' });
  const notaries = { witnesses: configuredWitnesses(env), tsaUrl: configuredTsa(env) };
  return onDatabase(env, async (runtime) => {
    const ran = await runAndProve(await runExecutionDeps(runtime, env), request, keys);
    if (E.isLeft(ran)) throw new Error(`run failed: ${JSON.stringify(ran.left)}`);
    const { outcome, proof } = ran.right;
    if (proof.seal.status === 'sealed') await afterSealing(runtime, keys, proof, notaries);
    const document = JSON.parse(JSON.stringify(runDocument(request, outcome, proof))) as RunJson;
    // As the command's exit code 0: only a run that succeeded and proves VERIFIED.
    if (document.status !== 'succeeded' || document.integrity.verification_status !== 'VERIFIED')
      throw new Error(`aos run would fail: ${document.status}, ${document.integrity.verification_status}`);
    return document;
  });
};
