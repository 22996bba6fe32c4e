import * as E from 'fp-ts/lib/Either.js';
import { plannerChatModelFromEnv } from '../adapters/llm/llm-endpoint-config.js';
import { llmConfigFromEnv } from '../adapters/skills/llm-config.js';
import { costCents, estimatePromptTokens } from '../adapters/skills/llm-pricing.js';
import type { ModelPlanningSetting } from '../application/planning/model-planning-deps.js';
import { agentMemoryFrom } from '../application/planning/run-memory.js';
import { PLAN_MAX_TOKENS } from '../application/planning/planning-exchange.js';
import type { RunQueries } from '../application/ports/read-model.js';
import type { Clock } from '../domain/ports/clock.js';
import type { SkillRegistry } from '../domain/ports/skill.js';
import type { RedactionPolicy } from '../domain/secrets/redaction-policy.js';

/** Why the model planner of the environment is not configured (the message of
 * modelPlanningSetting), or null: for a command that must refuse before it writes anything. */
export const modelPlanningProblem = (env: NodeJS.ProcessEnv): string | null => {
  const planner = plannerChatModelFromEnv(env);
  if (E.isLeft(planner)) return planner.left.message;
  const prices = llmConfigFromEnv(env);
  return prices.ok ? null : prices.message;
};

/** The model planner from the environment (AOS_LLM_BASE_URL, AOS_LLM_MODEL, AOS_LLM_API_KEY,
 * AOS_LLM_TIMEOUT_MS, the AOS_LLM_PRICE_* prices), or why it is not configured. Read once per
 * command; a run of a model-planned agent without it is refused before anything is written. */
export const modelPlanningSetting = (
  env: NodeJS.ProcessEnv,
  deps: {
    readonly clock: Clock;
    readonly skills: SkillRegistry;
    readonly redaction: RedactionPolicy;
    readonly queries: RunQueries;
    readonly random: () => number;
  },
): ModelPlanningSetting => {
  const planner = plannerChatModelFromEnv(env);
  if (E.isLeft(planner)) return { configured: false, message: planner.left.message };
  const prices = llmConfigFromEnv(env);
  if (!prices.ok) return { configured: false, message: prices.message };
  return {
    configured: true,
    deps: {
      model: planner.right.model,
      timeoutMs: planner.right.timeoutMs,
      secretValues: planner.right.secretValues,
      clock: deps.clock,
      skills: deps.skills,
      redaction: deps.redaction,
      random: deps.random,
      memory: agentMemoryFrom(deps.queries),
      // From the usage the server reports; without it, the prompt's estimate and the most tokens
      // the answer may take (what the request could have cost).
      costCents: (usage, messages) =>
        usage === null
          ? costCents(prices.config, estimatePromptTokens(messages), PLAN_MAX_TOKENS)
          : costCents(prices.config, usage.prompt_tokens, usage.completion_tokens),
    },
  };
};
