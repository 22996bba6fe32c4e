import type { Plan } from './plan.js';

/** The agent's defaults for what a template step leaves open. */
export type StepDefaults = { readonly max_retries: number; readonly timeout_ms: number };

export const DEFAULT_STEP_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RETRIES = 0;

/** The plan with every step's retry limit, timeout and failure policy made explicit, so the stored
 * plan says what each step ran under and a resumed run applies the same limits. */
export const withStepDefaults = (plan: Plan, defaults: StepDefaults): Plan => ({
  ...plan,
  steps: plan.steps.map((step) => ({
    ...step,
    max_retries: step.max_retries ?? defaults.max_retries,
    timeout_ms: step.timeout_ms ?? defaults.timeout_ms,
    on_failure: step.on_failure ?? 'stop',
  })),
});
