import type { SkillManifest } from '../../domain/ports/skill.js';
import {
  API_KEY_PATTERN,
  DEFAULT_MAX_TOKENS,
  llmInvokeParamsDoc,
  MAX_CONTENT,
  MAX_MAX_TOKENS,
  MAX_MESSAGES,
  RoleC,
} from './llm-invoke-params.js';
import { closedObjectSchema } from './params-schema.js';

/** What a planner is told of `llm_invoke` (llm-invoke-params.ts's codec, in JSON Schema). The
 * response cap is llm-invoke-skill.ts's MAX_RESPONSE_BYTES. */
export const llmInvokeManifest: SkillManifest = {
  params_schema: closedObjectSchema({
    docs: llmInvokeParamsDoc,
    properties: {
      messages: {
        type: 'array',
        minItems: 1,
        maxItems: MAX_MESSAGES,
        items: {
          type: 'object',
          properties: {
            role: { type: 'string', enum: Object.keys(RoleC.keys) },
            content: { type: 'string', maxLength: MAX_CONTENT },
          },
          required: ['role', 'content'],
          additionalProperties: false,
        },
      },
      max_tokens: { type: 'integer', minimum: 1, maximum: MAX_MAX_TOKENS },
      temperature: { type: 'number', minimum: 0, maximum: 2 },
      api_key: { type: 'string', pattern: API_KEY_PATTERN.source },
    },
    required: ['messages'],
  }),
  cost_model: `declared as the prompt's characters / 4 (rounded up) in prompt tokens plus max_tokens (default ${DEFAULT_MAX_TOKENS}) in completion tokens at the operator's prices per 1000 tokens (AOS_LLM_PRICE_PER_1K_PROMPT_CENTS, AOS_LLM_PRICE_PER_1K_COMPLETION_CENTS, default 0), rounded up to whole cents; charged from the usage the endpoint reports, or the declared cost when it reports none`,
  side_effects:
    'one chat completion request to the operator-configured endpoint (AOS_LLM_BASE_URL), which bills its tokens; nothing else changes, so a call in flight when its process died is made (and charged) again on resume',
  limits: `1 to ${MAX_MESSAGES} messages of at most ${MAX_CONTENT} characters each, max_tokens at most ${MAX_MAX_TOKENS}, a response body of at most 1 MiB, no redirect followed, and the step's timeout bounds the call`,
};
