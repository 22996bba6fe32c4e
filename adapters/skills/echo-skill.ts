import * as t from 'io-ts';
import { closedObject } from '../../domain/json/closed-object.js';
import type { Skill } from '../../domain/ports/skill.js';

const MAX_MESSAGE = 10_000;

const MessageC = new t.Type<string, string, unknown>(
  'Message',
  (u): u is string => typeof u === 'string' && u.length <= MAX_MESSAGE,
  (u, c) =>
    typeof u !== 'string'
      ? t.failure(u, c, 'expected a string')
      : u.length > MAX_MESSAGE
        ? t.failure(u, c, `must be at most ${MAX_MESSAGE} characters (got ${u.length})`)
        : t.success(u),
  t.identity,
);

const EchoParamsC = closedObject('EchoParams', { message: MessageC });
export type EchoParams = t.TypeOf<typeof EchoParamsC>;

export const echoParamsDoc = { message: `string, at most ${MAX_MESSAGE} characters` };

/** Returns its message: the simplest step, for smoke runs and templates. */
export const echoSkill: Skill<EchoParams> = {
  name: 'echo',
  version: '1',
  description: 'returns its message as the outcome',
  params: EchoParamsC,
  isIdempotent: () => true,
  pure: true,
  estimateCostCents: () => 0,
  validateInPlan: () => [],
  execute: async ({ message }) => ({
    status: 'succeeded',
    outcome: { category: 'success', code: 'OK', data: { message } },
    cost_cents: 0,
  }),
};
