import { search, type JSONValue } from '@jmespath-community/jmespath';
import { findJsonRejection, type JsonValue } from '../../domain/json/json-value.js';
import type { Skill, SkillResult } from '../../domain/ports/skill.js';
import { jsonTransformManifest } from './json-transform-manifest.js';
import { JsonTransformParamsC, type JsonTransformParams } from './json-transform-params.js';

export type { JsonTransformParams } from './json-transform-params.js';

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A pure function of its input: the same call fails the same way again, so nothing is retryable. */
const failed = (category: string, code: string, message: string): SkillResult => ({
  status: 'failed',
  outcome: { category, code, data: { message } },
  cost_cents: 0,
  retryable: false,
});

const inputError = (code: string, message: string): SkillResult => failed('input_error', code, message);

/** Why the value cannot be hashed as JSON, or null (a nesting too deep to walk counts as a reason). */
const nonJsonReason = (value: unknown): string | null => {
  try {
    const rejection = findJsonRejection(value);
    return rejection === null ? null : `${rejection.path}: ${rejection.reason}`;
  } catch (error) {
    return messageOf(error);
  }
};

/** Applies a JMESPath expression to the outcome data of an earlier step; outcome data `{ result }`. */
export const jsonTransformSkill: Skill<JsonTransformParams> = {
  name: 'json_transform',
  version: '1',
  description: "applies a JMESPath expression to an earlier step's outcome data; outcome data {result}",
  manifest: jsonTransformManifest,
  params: JsonTransformParamsC,
  isIdempotent: () => true,
  pure: true,
  estimateCostCents: () => 0,
  validateInPlan: (params, { stepIndex }) =>
    params.input_from_step < stepIndex
      ? []
      : [
          {
            field: 'input_from_step',
            message: `step ${stepIndex} may only read an earlier step (got ${params.input_from_step})`,
          },
        ],
  execute: async (params, context): Promise<SkillResult> => {
    if (context.signal.aborted)
      return failed('cancelled', 'CANCELLED', 'the step was cancelled before it started');
    const input = context.previousOutcomes.get(params.input_from_step);
    if (input === undefined)
      return inputError('MISSING_INPUT', `no outcome of step ${params.input_from_step} to read`);
    let result: unknown;
    try {
      result = search(input.data as JSONValue, params.expression);
    } catch (error) {
      return inputError('EXPRESSION_ERROR', messageOf(error));
    }
    const plain = result ?? null;
    const reason = nonJsonReason(plain);
    if (reason !== null)
      return inputError(
        'NON_JSON_RESULT',
        `the expression produced a value that is not plain JSON (${reason})`,
      );
    return {
      status: 'succeeded',
      outcome: { category: 'success', code: 'OK', data: { result: plain as JsonValue } },
      cost_cents: 0,
    };
  },
};
