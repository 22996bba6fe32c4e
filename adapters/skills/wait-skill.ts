import { setTimeout as sleep } from 'node:timers/promises';
import type { Skill, SkillResult } from '../../domain/ports/skill.js';
import { abortFailure } from './skill-failure.js';
import { waitManifest } from './wait-manifest.js';
import { WaitParamsC, type WaitParams } from './wait-params.js';

export type { WaitParams } from './wait-params.js';

const aborted = (reason: unknown, ms: number): SkillResult =>
  abortFailure(reason, { message: 'the step ran out of time', ms });

/** Waits `ms` milliseconds, or until the step's signal aborts (a timeout is retryable, a
 * cancellation is not); outcome data `{ waited_ms }`. */
export const waitSkill: Skill<WaitParams> = {
  name: 'wait',
  version: '1',
  description:
    'waits a number of milliseconds, stopping at once when the step times out or the run is cancelled; outcome data {waited_ms}',
  manifest: waitManifest,
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
