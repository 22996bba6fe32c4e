import { setTimeout as sleep } from 'node:timers/promises';
import * as t from 'io-ts';
import { intBetween } from '../../domain/json/bounded-codecs.js';
import { closedObject } from '../../domain/json/closed-object.js';
import type { Skill, SkillResult } from '../../domain/ports/skill.js';
import { abortFailure } from './skill-failure.js';

const MAX_WAIT_MS = 600_000;

const WaitParamsC = closedObject('WaitParams', { ms: intBetween(0, MAX_WAIT_MS) });
export type WaitParams = t.TypeOf<typeof WaitParamsC>;

export const waitParamsDoc: Readonly<Record<string, string>> = {
  ms: `integer 0..${MAX_WAIT_MS} (10 minutes): how long to wait, in milliseconds; the step's timeout still applies`,
};

export const waitIdempotentDoc = 'always';

const aborted = (reason: unknown, ms: number): SkillResult =>
  abortFailure(reason, { message: 'the step ran out of time', ms });

/** Waits `ms` milliseconds, or until the step's signal aborts (a timeout is retryable, a
 * cancellation is not); outcome data `{ waited_ms }`. */
export const waitSkill: Skill<WaitParams> = {
  name: 'wait',
  version: '1',
  description:
    'waits a number of milliseconds, stopping at once when the step times out or the run is cancelled; outcome data {waited_ms}',
  params: WaitParamsC,
  isIdempotent: () => true,
  estimateCostCents: () => 0,
  validateInPlan: () => [],
  execute: async ({ ms }, { signal }): Promise<SkillResult> => {
    if (signal.aborted) return aborted(signal.reason, ms);
    try {
      await sleep(ms, undefined, { signal });
    } catch (error) {
      // timers/promises rejects with an AbortError; the signal's own reason says timeout or cancel
      return aborted(signal.aborted ? signal.reason : error, ms);
    }
    return {
      status: 'succeeded',
      outcome: { category: 'success', code: 'OK', data: { waited_ms: ms } },
      cost_cents: 0,
    };
  },
};
