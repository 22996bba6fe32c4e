import type { SkillManifest } from '../../domain/ports/skill.js';
import { closedObjectSchema } from './params-schema.js';
import { MAX_WAIT_MS, waitParamsDoc } from './wait-params.js';

/** What a planner is told of `wait` (wait-params.ts's codec, in JSON Schema). */
export const waitManifest: SkillManifest = {
  params_schema: closedObjectSchema({
    docs: waitParamsDoc,
    properties: { ms: { type: 'integer', minimum: 0, maximum: MAX_WAIT_MS } },
    required: ['ms'],
  }),
  cost_model: 'free: a step declares and costs 0 cents',
  side_effects:
    'none: it only lets time pass (idempotent: a wait in flight when its process died is waited again on resume)',
  limits: `at most ${MAX_WAIT_MS} ms (10 minutes), and the step's timeout or a cancellation stops it earlier`,
};
