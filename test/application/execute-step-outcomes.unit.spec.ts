import { describe, expect, it } from 'vitest';
import { JsonObjectC } from '../../domain/json/json-value.js';
import { executeStep } from '../../application/runs/execute-step.js';
import { context, fail, ok, planned, scriptedSkill, setup } from './scripted-skill.js';

// What executeStep records of a skill's outcome: text it could not store (U+0000) replaced, and a
// skill that throws recorded as a failed step.
describe('executeStep: retries, timeouts, budget, secrets, data flow', () => {
  it('records an outcome carrying U+0000 (a response body) with U+FFFD instead, so it can be stored', async () => {
    const { skill } = scriptedSkill([
      fail('HTTP_503', true),
      ok({ body: 'bin\u0000ary', ['k\u0000']: ['\u0000'] }),
    ]);
    const { deps } = setup(skill);
    const { record } = await executeStep(deps, planned({ q: 1 }), context());
    expect(record.outcome.data).toEqual({ body: 'bin\uFFFDary', ['k\uFFFD']: ['\uFFFD'] });
    expect(JsonObjectC.is(record)).toBe(true);
  });

  it('records a skill that throws as a failed step, not a crash', async () => {
    const { skill } = scriptedSkill([
      async () => {
        throw new Error('kaboom');
      },
    ]);
    const { deps } = setup(skill);
    const { record } = await executeStep(deps, planned({}), context());
    expect(record).toMatchObject({
      status: 'failed',
      outcome: { code: 'SKILL_THREW', data: { message: 'kaboom' } },
      retry_count: 0,
    });
  });
});
