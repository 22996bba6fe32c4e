import { jsonDepthExcess, MAX_JSON_DEPTH } from '../json/json-depth.js';
import type { JsonObject } from '../json/json-value.js';
import type { SkillResult } from '../ports/skill.js';

/**
 * What a step records nests at most MAX_JSON_DEPTH levels (json-depth.ts): its params and its
 * outcome data are checked here, iteratively, before redaction and the event codecs walk them.
 * Params come from a template (checked when the agent was registered) but may take in an earlier
 * step's data through step references; outcome data comes from a skill, so from outside.
 */

/** The failure of a step whose params, step references resolved, nest too deep; null when they do not. */
export const paramsTooDeep = (params: JsonObject): SkillResult | null => {
  const excess = jsonDepthExcess(params, MAX_JSON_DEPTH);
  if (excess === null) return null;
  return {
    status: 'failed',
    outcome: {
      category: 'input_error',
      code: 'PARAMS_TOO_DEEP',
      data: {
        message: `the params, step references resolved, nest arrays and objects deeper than ${MAX_JSON_DEPTH} levels`,
        path: excess.path,
        max_depth: MAX_JSON_DEPTH,
      },
    },
    cost_cents: 0,
    retryable: false,
  };
};

/** The skill's result, unless its outcome data nests too deep: then a failure `bad_response` that
 * keeps the attempt's cost (it may have been billed) and is not retried (the same call would
 * bring back the same answer). */
export const withinRecordableDepth = (result: SkillResult): SkillResult => {
  const excess = jsonDepthExcess(result.outcome.data, MAX_JSON_DEPTH);
  if (excess === null) return result;
  return {
    status: 'failed',
    outcome: {
      category: 'bad_response',
      code: 'OUTCOME_TOO_DEEP',
      data: {
        message: `the skill's outcome data nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`,
        max_depth: MAX_JSON_DEPTH,
      },
    },
    cost_cents: result.cost_cents,
    retryable: false,
  };
};
