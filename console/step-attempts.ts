import type { StepView } from './run-steps.js';

/** What became of one attempt of a step. */
export type AttemptStatus = 'succeeded' | 'failed' | 'timed_out' | 'skipped';

/** One attempt of a step as the waterfall draws it: placed in time from the run's start. */
export type AttemptView = {
  readonly attempt: number;
  readonly status: AttemptStatus;
  readonly code: string;
  readonly offset_ms: number;
  readonly duration_ms: number;
  /** The backoff waited after it, before the next attempt (0 for the last). */
  readonly backoff_ms: number;
};

const TIMEOUT_CODE = 'STEP_TIMEOUT';

const numberOf = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

const codeOf = (outcome: unknown): string => String(record(outcome).code ?? '');

const statusOf = (status: string, code: string): AttemptStatus =>
  code === TIMEOUT_CODE ? 'timed_out' : status === 'succeeded' || status === 'skipped' ? status : 'failed';

/** A step's attempts in order: the earlier ones its StepExecuted event keeps (each failed
 * retryably, then its backoff was waited), and the last, whose outcome is the step's and which
 * takes what is left of the step's duration. A step never retried is one attempt. */
export const stepAttempts = (step: StepView): AttemptView[] => {
  const earlier = step.attempts;
  const attempts: AttemptView[] = [];
  let at = step.offset_ms;
  for (const [i, value] of earlier.entries()) {
    const fields = record(value);
    const code = codeOf(fields.outcome);
    const view = {
      attempt: numberOf(fields.attempt) || i + 1,
      status: statusOf('failed', code),
      code,
      offset_ms: at,
      duration_ms: numberOf(fields.duration_ms),
      backoff_ms: numberOf(fields.backoff_ms),
    };
    attempts.push(view);
    at += view.duration_ms + view.backoff_ms;
  }
  const code = step.outcome_code;
  const end = step.offset_ms + step.duration_ms;
  attempts.push({
    attempt: attempts.length + 1,
    status: statusOf(step.status, code),
    code,
    offset_ms: Math.min(at, end),
    duration_ms: Math.max(0, end - at),
    backoff_ms: 0,
  });
  return attempts;
};

/** What became of a step, in words: `timed out` when its last attempt ran out of time. */
export const stepStatusWords = (step: StepView): string =>
  step.outcome_code === TIMEOUT_CODE ? 'timed out' : step.status;
