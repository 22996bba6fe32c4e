import { compile } from '@jmespath-community/jmespath';
import * as t from 'io-ts';
import { closedObject } from '../../domain/json/closed-object.js';
import { errorMessage } from './skill-failure.js';

export const MAX_EXPRESSION = 2000;

const compileError = (expression: string): string | null => {
  try {
    compile(expression);
    return null;
  } catch (error) {
    return errorMessage(error);
  }
};

/** A JMESPath expression that compiles: a syntax error is a plan error, found before the run. */
const ExpressionC = new t.Type<string, string, unknown>(
  'JmesPathExpression',
  (u): u is string =>
    typeof u === 'string' && u.length > 0 && u.length <= MAX_EXPRESSION && compileError(u) === null,
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'expected a JMESPath expression string');
    if (u.length === 0) return t.failure(u, c, 'must not be empty');
    if (u.length > MAX_EXPRESSION)
      return t.failure(u, c, `must be at most ${MAX_EXPRESSION} characters (got ${u.length})`);
    const error = compileError(u);
    return error === null ? t.success(u) : t.failure(u, c, `not a valid JMESPath expression: ${error}`);
  },
  t.identity,
);

const StepIndexC = new t.Type<number, number, unknown>(
  'StepIndex',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0,
  (u, c) =>
    typeof u === 'number' && Number.isSafeInteger(u) && u >= 0
      ? t.success(u)
      : t.failure(u, c, 'expected a step index (an integer >= 0)'),
  t.identity,
);

export const JsonTransformParamsC = closedObject('JsonTransformParams', {
  expression: ExpressionC,
  input_from_step: StepIndexC,
});
export type JsonTransformParams = t.TypeOf<typeof JsonTransformParamsC>;

export const jsonTransformParamsDoc = {
  expression: `JMESPath expression (community edition), at most ${MAX_EXPRESSION} characters`,
  input_from_step: 'index of an EARLIER step; its outcome data is the input',
};
