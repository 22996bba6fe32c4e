import * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { closedObject } from '../../domain/json/closed-object.js';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import { PlanTemplateC } from '../../domain/plan/plan.js';

const describe_ = (codec: t.Decoder<unknown, unknown>, value: unknown) => {
  const result = codec.decode(value);
  return result._tag === 'Left' ? describeDecodeErrors(result.left) : [];
};

describe('decode error messages', () => {
  const codec = closedObject('X', { name: t.string }, { limit: t.number });

  it('names required and optional fields by their path, not by io-ts member indexes', () => {
    expect(describe_(codec, { name: 1 })).toEqual(['name: expected string']);
    expect(describe_(codec, { name: 'a', limit: 'x' })).toEqual(['limit: expected number']);
  });

  it('names unknown fields and array positions', () => {
    expect(describe_(codec, { name: 'a', nmae: 'b' })).toEqual(['nmae: unknown field "nmae"']);
    expect(
      describe_(PlanTemplateC, {
        steps: [
          { skill: 'echo', params: {} },
          { skill: 3, params: {} },
        ],
      }),
    ).toEqual(['steps.1.skill: expected string']);
  });
});
