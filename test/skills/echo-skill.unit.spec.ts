import { describe, expect, it } from 'vitest';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import type { SkillContext } from '../../domain/ports/skill.js';
import { echoSkill } from '../../adapters/skills/echo-skill.js';

const context = (): SkillContext => ({
  signal: new AbortController().signal,
  previousOutcomes: new Map(),
  allowedHosts: [],
});

const decodeErrors = (input: unknown): string[] => {
  const decoded = echoSkill.params.decode(input);
  return decoded._tag === 'Left' ? describeDecodeErrors(decoded.left) : [];
};

describe('echo skill', () => {
  it('returns its message as a successful outcome that costs nothing', async () => {
    const params = echoSkill.params.decode({ message: 'résumé ✓ 日本' });
    if (params._tag === 'Left') throw new Error('expected valid params');
    expect(echoSkill.estimateCostCents(params.right)).toBe(0);
    expect(echoSkill.validateInPlan(params.right, { stepIndex: 0, allowedHosts: [] })).toEqual([]);
    expect(await echoSkill.execute(params.right, context())).toEqual({
      status: 'succeeded',
      outcome: { category: 'success', code: 'OK', data: { message: 'résumé ✓ 日本' } },
      cost_cents: 0,
    });
  });

  it('is named echo, version 1', () => {
    expect([echoSkill.name, echoSkill.version]).toEqual(['echo', '1']);
  });

  it('rejects an unknown key, naming it, instead of dropping it', () => {
    expect(decodeErrors({ message: 'hi', mesage: 'typo' })).toEqual([expect.stringContaining('mesage')]);
  });

  it('rejects a missing or non-string message, naming the field', () => {
    expect(decodeErrors({})).toEqual([expect.stringMatching(/^message: /)]);
    expect(decodeErrors({ message: 42 })).toEqual([expect.stringMatching(/^message: expected a string/)]);
  });

  it('accepts 10,000 characters and rejects 10,001', () => {
    expect(decodeErrors({ message: 'x'.repeat(10_000) })).toEqual([]);
    expect(decodeErrors({ message: 'x'.repeat(10_001) })).toEqual([
      expect.stringMatching(/^message: must be at most 10000 characters/),
    ]);
  });

  it('rejects params that are not an object', () => {
    expect(decodeErrors('hello')).not.toEqual([]);
    expect(decodeErrors(null)).not.toEqual([]);
  });
});
