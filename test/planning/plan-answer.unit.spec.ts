import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { jsonObjectInText } from '../../domain/planning/json-in-text.js';
import { planOfAnswer, planTemplateInAnswer } from '../../domain/planning/plan-answer.js';

const plan = { steps: [{ skill: 'echo', params: { message: 'hi {"x"}' } }] };

describe('the JSON object in a model answer', () => {
  it('is the whole answer when the answer is JSON', () =>
    expect(jsonObjectInText(JSON.stringify(plan))).toEqual(plan));

  it('is found in a ```json fence, with prose around it', () =>
    expect(
      jsonObjectInText(`Here is the plan:\n\`\`\`json\n${JSON.stringify(plan, null, 2)}\n\`\`\`\nDone.`),
    ).toEqual(plan));

  it('is found in prose, braces inside strings not counted', () =>
    expect(jsonObjectInText(`Sure! ${JSON.stringify(plan)} Hope it helps {:}`)).toEqual(plan));

  it('skips a brace pair that does not parse and takes the next object', () =>
    expect(jsonObjectInText(`{not json} then ${JSON.stringify(plan)}`)).toEqual(plan));

  it('is absent from text without one, from an array, from a truncated object', () => {
    expect(jsonObjectInText('I cannot help with that.')).toBeUndefined();
    expect(jsonObjectInText('[1, 2]')).toBeUndefined();
    expect(jsonObjectInText('{"steps": [')).toBeUndefined();
  });
});

describe('the plan in an answer', () => {
  it('is the plan-template shape, indexed in order, written by the llm planner', () => {
    const template = planTemplateInAnswer(JSON.stringify(plan));
    expect(E.isRight(template)).toBe(true);
    if (E.isRight(template))
      expect(planOfAnswer(template.right)).toEqual({
        planner: 'llm',
        planner_version: '1',
        steps: [{ index: 0, skill: 'echo', params: { message: 'hi {"x"}' } }],
      });
  });

  it('names what is wrong with an object of another shape', () => {
    const wrong = planTemplateInAnswer('{"steps": [{"skill": "echo", "parms": {}}]}');
    expect(E.isLeft(wrong) && wrong.left.map((p) => p.message).join('\n')).toMatch(/parms|params/);
  });

  it('refuses an answer with no JSON object', () => {
    const none = planTemplateInAnswer('no plan, sorry');
    expect(E.isLeft(none) && none.left[0]?.message).toMatch(/no JSON object/);
  });

  it('refuses an answer nested deeper than the JSON depth limit before decoding it', () => {
    const deep = `{"steps": [{"skill": "echo", "params": {"a": ${'['.repeat(400)}${']'.repeat(400)}}}]}`;
    const refused = planTemplateInAnswer(deep);
    expect(E.isLeft(refused) && refused.left[0]?.message).toMatch(/deep|depth|levels/i);
  });
});
