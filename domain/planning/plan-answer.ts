import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { describeDecodeErrors } from '../json/decode-error.js';
import { describeJsonDepthExcess, jsonDepthExcess } from '../json/json-depth.js';
import type { PlanProblem } from '../plan/plan-validation.js';
import { PlanTemplateC, type Plan, type PlanTemplate } from '../plan/plan.js';
import { jsonObjectInText } from './json-in-text.js';

/** The planner's name and version in the plans it writes (RunPlanned). */
const MODEL_PLANNER = { planner: 'llm', planner_version: '1' } as const;

const problem = (field: string, message: string): PlanProblem => ({ step_index: null, field, message });

/** The plan in a model's answer: a JSON object of the plan-template shape,
 * `{"steps": [{"skill", "params", ...}]}`, or what is wrong with the answer. */
export const planTemplateInAnswer = (content: string): E.Either<PlanProblem[], PlanTemplate> => {
  const object = jsonObjectInText(content);
  if (object === undefined)
    return E.left([problem('answer', 'the answer holds no JSON object; expected {"steps": [...]}')]);
  const excess = jsonDepthExcess(object);
  if (excess !== null) return E.left([problem('answer', describeJsonDepthExcess(excess))]);
  return pipe(
    PlanTemplateC.decode(object),
    E.mapLeft((errors) => describeDecodeErrors(errors).map((line) => problem('answer', line))),
  );
};

/** A model's plan as stored: its steps in order, indexed. */
export const planOfAnswer = (template: PlanTemplate): Plan => ({
  ...MODEL_PLANNER,
  steps: template.steps.map((step, index) => ({ index, ...step })),
});
