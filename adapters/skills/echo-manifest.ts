import type { SkillManifest } from '../../domain/ports/skill.js';
import { echoParamsDoc, MAX_MESSAGE } from './echo-params.js';
import { closedObjectSchema } from './params-schema.js';

/** What a planner is told of `echo` (echo-params.ts's codec, in JSON Schema). */
export const echoManifest: SkillManifest = {
  params_schema: closedObjectSchema({
    docs: echoParamsDoc,
    properties: { message: { type: 'string', maxLength: MAX_MESSAGE } },
    required: ['message'],
  }),
  cost_model: 'free: a step declares and costs 0 cents',
  side_effects: 'none: it returns its message and touches nothing outside the run (pure, idempotent)',
  limits: `the message is at most ${MAX_MESSAGE} characters`,
};
