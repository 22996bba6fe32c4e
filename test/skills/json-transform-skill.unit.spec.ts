import { describe, expect, it } from 'vitest';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import type { JsonValue } from '../../domain/json/json-value.js';
import type { SkillContext, StepOutcome } from '../../domain/ports/skill.js';
import { jsonTransformSkill, type JsonTransformParams } from '../../adapters/skills/json-transform-skill.js';

const outcome = (data: JsonValue): StepOutcome => ({ category: 'success', code: 'OK', data });

const context = (
  previous: ReadonlyMap<number, StepOutcome>,
  signal = new AbortController().signal,
): SkillContext => ({
  signal,
  previousOutcomes: previous,
  allowedHosts: [],
});

const decode = (input: unknown): JsonTransformParams => {
  const decoded = jsonTransformSkill.params.decode(input);
  if (decoded._tag === 'Left') throw new Error(describeDecodeErrors(decoded.left).join('; '));
  return decoded.right;
};

const decodeErrors = (input: unknown): string[] => {
  const decoded = jsonTransformSkill.params.decode(input);
  return decoded._tag === 'Left' ? describeDecodeErrors(decoded.left) : [];
};

const run = (expression: string, input: JsonValue) =>
  jsonTransformSkill.execute(
    decode({ expression, input_from_step: 0 }),
    context(new Map([[0, outcome(input)]])),
  );

describe('json_transform skill', () => {
  it("filters the example run's items by price, comparing floats exactly as JSON numbers", async () => {
    const input = {
      status: 200,
      items: [
        { name: 'a', price: 0.30000000000000004 },
        { name: 'b', price: 1e21 },
      ],
    };
    expect(await run('items[?price > `0.1`].name', input)).toEqual({
      status: 'succeeded',
      outcome: { category: 'success', code: 'OK', data: { result: ['a', 'b'] } },
      cost_cents: 0,
    });
  });

  it('reads the body of an http_call outcome', async () => {
    const input = {
      status: 200,
      content_type: 'application/json',
      body: {
        items: [
          { name: 'a', price: 2 },
          { name: 'c', price: 0 },
        ],
      },
    };
    expect((await run('body.items[?price > `0.1`].name', input)).outcome.data).toEqual({ result: ['a'] });
  });

  it('gives result null when the expression selects nothing', async () => {
    expect((await run('nothing.here', { status: 200 })).outcome).toEqual({
      category: 'success',
      code: 'OK',
      data: { result: null },
    });
  });

  it('works on input that is not an object', async () => {
    expect((await run('length(@)', [1, 2, 3])).outcome.data).toEqual({ result: 3 });
    expect((await run('@', 'just text')).outcome.data).toEqual({ result: 'just text' });
    expect((await run('field', 'just text')).outcome.data).toEqual({ result: null });
    expect((await run('[0]', null)).outcome.data).toEqual({ result: null });
  });

  it('allows only an earlier step as input: no forward references, no self reference', () => {
    const check = (input_from_step: number, stepIndex: number) =>
      jsonTransformSkill.validateInPlan(decode({ expression: '@', input_from_step }), {
        stepIndex,
        allowedHosts: [],
      });
    expect(check(0, 1)).toEqual([]);
    expect(check(1, 1)).toEqual([
      { field: 'input_from_step', message: expect.stringContaining('earlier step') },
    ]);
    expect(check(3, 1)).toEqual([
      { field: 'input_from_step', message: expect.stringContaining('earlier step') },
    ]);
    expect(check(0, 0)).toEqual([{ field: 'input_from_step', message: expect.any(String) }]);
  });

  it('fails with MISSING_INPUT when the input step has no outcome', async () => {
    const result = await jsonTransformSkill.execute(
      decode({ expression: '@', input_from_step: 2 }),
      context(new Map([[0, outcome({})]])),
    );
    expect(result).toMatchObject({
      status: 'failed',
      outcome: { category: 'input_error', code: 'MISSING_INPUT' },
      cost_cents: 0,
    });
  });

  it('fails with EXPRESSION_ERROR when evaluation fails', async () => {
    expect((await run('abs(name)', { name: 'x' })).outcome).toMatchObject({
      category: 'input_error',
      code: 'EXPRESSION_ERROR',
    });
    expect((await run('`1` / `0`', {})).status).toBe('failed');
  });

  it('fails with NON_JSON_RESULT when the result cannot be hashed as JSON', async () => {
    const result = await run("to_number('1e400')", {});
    expect(result).toMatchObject({
      status: 'failed',
      outcome: { category: 'input_error', code: 'NON_JSON_RESULT' },
    });
  });

  it('fails as cancelled when the step is already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await jsonTransformSkill.execute(
      decode({ expression: '@', input_from_step: 0 }),
      context(new Map([[0, outcome(1)]]), controller.signal),
    );
    expect(result.outcome).toMatchObject({ category: 'cancelled', code: 'CANCELLED' });
  });

  it('rejects an expression that does not compile, naming the field, at decode time', () => {
    expect(decodeErrors({ expression: 'items[?', input_from_step: 0 })).toEqual([
      expect.stringMatching(/^expression: not a valid JMESPath expression/),
    ]);
    expect(decodeErrors({ expression: '', input_from_step: 0 })).toEqual([
      expect.stringMatching(/^expression: /),
    ]);
    expect(decodeErrors({ expression: `a${'.b'.repeat(1000)}`, input_from_step: 0 })).toEqual([
      expect.stringMatching(/^expression: must be at most 2000/),
    ]);
  });

  it('rejects a bad step index and unknown keys, naming the field', () => {
    expect(decodeErrors({ expression: '@', input_from_step: -1 })).toEqual([
      expect.stringMatching(/^input_from_step: /),
    ]);
    expect(decodeErrors({ expression: '@', input_from_step: 0.5 })).toEqual([
      expect.stringMatching(/^input_from_step: /),
    ]);
    expect(decodeErrors({ expression: '@', input_from_step: '0' })).toEqual([
      expect.stringMatching(/^input_from_step: /),
    ]);
    expect(decodeErrors({ expression: '@', input_from_step: 0, input: 1 })).toEqual([
      expect.stringContaining('input'),
    ]);
  });
});
