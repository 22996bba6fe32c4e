import type { SkillManifest } from '../../domain/ports/skill.js';
import { jsonTransformParamsDoc, MAX_EXPRESSION } from './json-transform-params.js';
import { closedObjectSchema } from './params-schema.js';

/** What a planner is told of `json_transform` (json-transform-params.ts's codec, in JSON Schema;
 * that the expression compiles is the codec's alone). */
export const jsonTransformManifest: SkillManifest = {
  params_schema: closedObjectSchema({
    docs: jsonTransformParamsDoc,
    properties: {
      expression: { type: 'string', minLength: 1, maxLength: MAX_EXPRESSION },
      input_from_step: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    },
    required: ['expression', 'input_from_step'],
  }),
  cost_model: 'free: a step declares and costs 0 cents',
  side_effects:
    "none: a function of an earlier step's outcome data that touches nothing outside the run (pure, idempotent)",
  limits: `the expression is at most ${MAX_EXPRESSION} characters and must compile, input_from_step must be an earlier step, and a result that is not plain JSON fails the step`,
};
