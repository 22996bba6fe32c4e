import type { Skill } from '../../domain/ports/skill.js';
import { echoManifest } from './echo-manifest.js';
import { EchoParamsC, type EchoParams } from './echo-params.js';

/** Returns its message: the simplest step, for smoke runs and templates. */
export const echoSkill: Skill<EchoParams> = {
  name: 'echo',
  version: '1',
  description: 'returns its message as the outcome',
  manifest: echoManifest,
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
