import type { ChatMessage, ChatModel, ChatUsage } from '../../domain/ports/chat-model.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { SkillRegistry } from '../../domain/ports/skill.js';
import type { RunMemory } from '../../domain/planning/planning-prompt.js';
import type { RedactionPolicy } from '../../domain/secrets/redaction-policy.js';

/** What the model planner needs: the endpoint, what its answers cost, the agent's memory. */
export type ModelPlanningDeps = {
  readonly model: ChatModel;
  readonly clock: Clock;
  readonly skills: SkillRegistry;
  readonly redaction: RedactionPolicy;
  /** The agent's last completed runs in the tenant, newest first (never another tenant's). */
  readonly memory: (tenantId: string, agentId: string) => Promise<readonly RunMemory[]>;
  /** What an exchange cost: from the usage the server reported, else estimated from the messages. */
  readonly costCents: (usage: ChatUsage | null, messages: readonly ChatMessage[]) => number;
  /** The time one request may take. */
  readonly timeoutMs: number;
  /** Values scrubbed out of everything recorded (the API key: a server may echo it). */
  readonly secretValues: readonly string[];
  readonly random: () => number;
};

/** The model planner when the endpoint is configured, or why it is not (AOS_LLM_BASE_URL...). */
export type ModelPlanningSetting =
  | { readonly configured: true; readonly deps: ModelPlanningDeps }
  | { readonly configured: false; readonly message: string };
