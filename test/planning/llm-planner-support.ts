import * as E from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import { openAiChatModel } from '../../adapters/llm/openai-chat-model.js';
import { postgresEventStore } from '../../adapters/postgres/postgres-event-store.js';
import { postgresReadModel } from '../../adapters/postgres/read-model/postgres-read-model.js';
import { randomIds } from '../../adapters/random-ids.js';
import { builtinSkillRegistry } from '../../adapters/skills/builtin-skill-registry.js';
import { systemClock } from '../../adapters/system-clock.js';
import { createAgent } from '../../application/agents/create-agent.js';
import { agentMemoryFrom } from '../../application/planning/run-memory.js';
import type { RunAndProveDeps } from '../../application/runs/run-and-prove.js';
import { intBetween } from '../../domain/json/bounded-codecs.js';
import { closedObject } from '../../domain/json/closed-object.js';
import type { Skill, SkillRegistry } from '../../domain/ports/skill.js';
import { templatePlanner } from '../../domain/plan/template-planner.js';
import { defaultRedactionPolicy } from '../../domain/secrets/redaction-policy.js';
import { minimalSkillManifest } from '../support/minimal-skill-manifest.js';

/** A skill that declares the cost its params say: a plan over the budget is easy to write. */
const meteredSkill: Skill<{ cents: number }> = {
  name: 'metered',
  version: '1',
  description: 'does nothing, declares `cents`',
  manifest: minimalSkillManifest,
  params: closedObject('MeteredParams', { cents: intBetween(0, 1_000_000) }),
  isIdempotent: () => true,
  estimateCostCents: ({ cents }) => cents,
  validateInPlan: () => [],
  execute: async () => ({
    status: 'succeeded',
    outcome: { category: 'success', code: 'OK', data: {} },
    cost_cents: 0,
  }),
};

const skillsWithMetered = (): SkillRegistry => {
  const builtin = builtinSkillRegistry();
  const metered = meteredSkill as unknown as Skill;
  return {
    get: (name) => (name === 'metered' ? metered : builtin.get(name)),
    list: () => [...builtin.list(), metered],
  };
};

/** What `aos run` gives its use cases, on one Postgres pool, planning with the model at `baseUrl`:
 * each request may take `timeoutMs`; each answer costs 1 cent per 100 tokens reported. */
export const plannerDeps = (
  pool: pg.Pool,
  baseUrl: string,
  options: { readonly timeoutMs?: number; readonly apiKey?: string } = {},
): RunAndProveDeps => {
  const store = postgresEventStore(pool);
  const readModel = postgresReadModel(pool, store);
  const skills = skillsWithMetered();
  return {
    store,
    readModel,
    skills,
    planner: templatePlanner,
    clock: systemClock,
    ids: randomIds,
    random: () => 0,
    secret: () => undefined,
    redaction: defaultRedactionPolicy,
    modelPlanning: {
      configured: true,
      deps: {
        model: openAiChatModel({
          baseUrl,
          model: 'fake-planner',
          ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
        }),
        clock: systemClock,
        skills,
        redaction: defaultRedactionPolicy,
        memory: agentMemoryFrom(readModel.queries),
        costCents: (usage) => (usage === null ? 0 : Math.ceil(usage.total_tokens / 100)),
        timeoutMs: options.timeoutMs ?? 5_000,
        secretValues: options.apiKey === undefined ? [] : [options.apiKey],
        random: () => 0,
      },
    },
  };
};

/** Registers a model-planned agent of the tenant and returns its id. */
export const modelPlannedAgent = async (
  deps: RunAndProveDeps,
  tenantId: string,
  settings: { readonly skills?: string[]; readonly budget_cents?: number; readonly max_steps?: number } = {},
): Promise<string> => {
  const created = await createAgent(deps, {
    tenant_id: tenantId,
    name: 'model planned',
    budget_cents: settings.budget_cents ?? 20,
    allowed_hosts: [],
    model_planner: {
      instructions: 'Plan the fewest steps that reach the goal.',
      max_steps: settings.max_steps ?? 25,
      repair_attempts: 2,
      skills: settings.skills ?? ['echo', 'json_transform', 'http_call', 'metered'],
    },
  });
  if (E.isLeft(created)) throw new Error(JSON.stringify(created.left));
  return created.right.agent_id;
};

export const eventTypesOf = async (pool: pg.Pool, runId: string): Promise<string[]> =>
  (
    await pool.query<{ type: string }>('SELECT type FROM aos_events WHERE stream_id = $1 ORDER BY seq', [
      `aos-run-${runId}`,
    ])
  ).rows.map((row) => row.type);

export const planningEventsOf = async (pool: pg.Pool, runId: string) =>
  (
    await pool.query<{ data: string }>(
      "SELECT data FROM aos_events WHERE stream_id = $1 AND type = 'PlanningAttempted' ORDER BY seq",
      [`aos-run-${runId}`],
    )
  ).rows.map((row) => JSON.parse(row.data) as Record<string, unknown> & { outcome: string; attempt: number });
