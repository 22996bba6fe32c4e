import type { ChatModel } from '../../domain/ports/chat-model.js';
import type { JsonValue } from '../../domain/json/json-value.js';
import type { PlanStepProblem, Skill, SkillContext, SkillResult } from '../../domain/ports/skill.js';
import type { LlmEndpoint } from '../llm/llm-endpoint-config.js';
import { openAiChatModel } from '../llm/openai-chat-model.js';
import { llmConfigFromEnv, type LlmConfig, type LlmConfigSource } from './llm-config.js';
import { llmInvokeManifest } from './llm-invoke-manifest.js';
import { DEFAULT_MAX_TOKENS, LlmInvokeParamsC, type LlmInvokeParams } from './llm-invoke-params.js';
import { llmFailureOutcome } from './llm-invoke-outcome.js';
import { costCents, estimatePromptTokens } from './llm-pricing.js';
import { errorMessage, failure } from './skill-failure.js';

export type { LlmInvokeParams } from './llm-invoke-params.js';
export { llmInvokeIdempotentDoc, llmInvokeParamsDoc } from './llm-invoke-params.js';

/** The endpoint's client, made for each execution from the configuration read then. */
export type ChatModelFactory = (endpoint: LlmEndpoint) => ChatModel;

const estimate = (params: LlmInvokeParams, config: LlmConfig): number =>
  costCents(config, estimatePromptTokens(params.messages), params.max_tokens ?? DEFAULT_MAX_TOKENS);

/** Every occurrence of the key in the outcome's strings replaced: a server may echo it (the chat
 * model redacts it from what it returns; this also covers an internal error's message). */
const redact = (value: JsonValue, secret: string): JsonValue => {
  if (typeof value === 'string') return value.split(secret).join('[redacted]');
  if (Array.isArray(value)) return value.map((v) => redact(v, secret));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, secret)]));
  return value;
};

const withoutKey = (result: SkillResult, apiKey: string | undefined): SkillResult =>
  apiKey === undefined
    ? result
    : { ...result, outcome: { ...result.outcome, data: redact(result.outcome.data, apiKey) } };

/** One request (the runner's retries are the attempts; the client makes none of its own), with
 * the step's key only: none is read from the environment. */
const invoke = async (
  params: LlmInvokeParams,
  config: LlmConfig,
  chatModel: ChatModel,
  { signal }: SkillContext,
): Promise<SkillResult> => {
  const answer = await chatModel.complete({
    messages: params.messages,
    max_tokens: params.max_tokens ?? DEFAULT_MAX_TOKENS,
    ...(params.temperature === undefined ? {} : { temperature: params.temperature }),
    ...(params.api_key === undefined ? {} : { api_key: params.api_key }),
    signal,
  });
  if (answer._tag === 'Left') return llmFailureOutcome(answer.left, signal);
  const completion = answer.right;
  const cost =
    completion.usage === null
      ? estimate(params, config)
      : costCents(config, completion.usage.prompt_tokens, completion.usage.completion_tokens);
  return {
    status: 'succeeded',
    outcome: { category: 'success', code: 'OK', data: completion },
    cost_cents: cost,
  };
};

/** `llm_invoke` reading its configuration from `config` when a plan is validated and when it runs,
 * calling the endpoint through `chatModel` (by default the `openai` package's client). */
export const createLlmInvokeSkill = (deps: {
  readonly config: LlmConfigSource;
  readonly chatModel?: ChatModelFactory;
}): Skill<LlmInvokeParams> => ({
  name: 'llm_invoke',
  version: '1',
  description:
    'chat completion from the operator-configured OpenAI-compatible endpoint (AOS_LLM_BASE_URL, AOS_LLM_MODEL), costed from the reported usage; outcome data {content, finish_reason, usage, model}',
  manifest: llmInvokeManifest,
  params: LlmInvokeParamsC,
  // No side effects: safe to run again on resume, at the price of paying for the tokens twice.
  isIdempotent: () => true,
  estimateCostCents: (params) => {
    const loaded = deps.config();
    return loaded.ok ? estimate(params, loaded.config) : 0; // unconfigured: validateInPlan refuses the plan
  },
  // The endpoint is operator configuration, not plan input: no host policy applies to it.
  validateInPlan: (): PlanStepProblem[] => {
    const loaded = deps.config();
    return loaded.ok ? [] : [{ field: 'model', message: loaded.message }];
  },
  execute: async (params, context) => {
    try {
      const loaded = deps.config();
      if (!loaded.ok) return failure('configuration_error', loaded.code, { message: loaded.message }, false);
      const { baseUrl, model } = loaded.config;
      const chatModel = (deps.chatModel ?? openAiChatModel)({ baseUrl, model });
      return withoutKey(await invoke(params, loaded.config, chatModel, context), params.api_key);
    } catch (error) {
      return withoutKey(
        failure('internal_error', 'INTERNAL_ERROR', { message: errorMessage(error) }, false),
        params.api_key,
      );
    }
  },
});

/** Configured from the process environment at each validation and execution. */
export const llmInvokeSkill: Skill<LlmInvokeParams> = createLlmInvokeSkill({
  config: () => llmConfigFromEnv(process.env),
});
