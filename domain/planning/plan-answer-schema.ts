import type { JsonObject } from '../json/json-value.js';
import { MAX_STEP_RETRIES, MAX_STEP_TIMEOUT_MS } from '../plan/plan.js';

/** The JSON Schema of the answer asked of the model (`response_format`): the plan-template shape,
 * steps of the given skills, at most `maxSteps` of them. Each skill's params follow its own schema
 * in the manifest; here they are only objects (one schema for every skill would need `oneOf`, which
 * not every endpoint accepts), and the validation after the answer checks them. */
export const planAnswerSchema = (skills: readonly string[], maxSteps: number): JsonObject => ({
  type: 'object',
  additionalProperties: false,
  required: ['steps'],
  properties: {
    steps: {
      type: 'array',
      minItems: 1,
      maxItems: maxSteps,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['skill', 'params'],
        properties: {
          skill: { type: 'string', enum: [...skills] },
          params: { type: 'object' },
          max_retries: { type: 'integer', minimum: 0, maximum: MAX_STEP_RETRIES },
          timeout_ms: { type: 'integer', minimum: 1, maximum: MAX_STEP_TIMEOUT_MS },
          on_failure: { type: 'string', enum: ['stop', 'continue'] },
          repeat: { type: 'integer', minimum: 1, maximum: maxSteps },
        },
      },
    },
  },
});
