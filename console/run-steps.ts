import type { BundleEventBody } from './api-types.js';

/** A step as the waterfall draws it, from the bundle's StepExecuted event. */
export type StepView = {
  readonly seq: number;
  readonly step_index: number;
  readonly skill: string;
  readonly status: string;
  /** When the step started and took, in ms from the run's start. */
  readonly offset_ms: number;
  readonly duration_ms: number;
  readonly retry_count: number;
  readonly cost_cents: number;
  /** Its outcome's code (`STEP_TIMEOUT`, `HTTP_503`, ...; '' when none). */
  readonly outcome_code: string;
  /** The earlier attempts its event keeps, as recorded (each failed retryably; none: empty). */
  readonly attempts: readonly unknown[];
  /** The step's event; absent for a step the verifying worker placed (it is read when opened). */
  readonly event?: BundleEventBody;
};

const numberOf = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : 0;

const NO_ATTEMPTS: readonly unknown[] = [];

const outcomeCodeOf = (outcome: unknown): string =>
  typeof outcome === 'object' && outcome !== null && 'code' in outcome
    ? String((outcome as { code: unknown }).code ?? '')
    : '';

/** The run's steps in order, placed in time: a step ends when its event was recorded and began its
 * duration before. The run starts at RunStarted (or its first event). With `withEvents` false the
 * steps do not carry their events (what the worker hands the page: a run of 100,000 steps). */
export const runSteps = (events: readonly BundleEventBody[], withEvents = true): StepView[] => {
  const started = events.find((e) => e.type === 'RunStarted') ?? events[0];
  const origin = started === undefined ? 0 : Date.parse(started.recorded_at);
  const steps: StepView[] = [];
  for (const e of events) {
    if (e.type !== 'StepExecuted') continue;
    const duration = numberOf(e.data.duration_ms);
    steps.push({
      seq: e.seq,
      step_index: numberOf(e.data.step_index),
      skill: String(e.data.skill ?? ''),
      status: String(e.data.status ?? ''),
      offset_ms: Math.max(0, Date.parse(e.recorded_at) - duration - origin),
      duration_ms: duration,
      retry_count: numberOf(e.data.retry_count),
      cost_cents: numberOf(e.data.cost_cents),
      outcome_code: outcomeCodeOf(e.data.outcome),
      attempts: Array.isArray(e.data.attempts) && e.data.attempts.length > 0 ? e.data.attempts : NO_ATTEMPTS,
      ...(withEvents ? { event: e } : {}),
    });
  }
  return steps;
};

/** The span of time the waterfall scales to: the end of the last step (at least 1 ms). */
export const timelineSpan = (steps: readonly StepView[]): number => {
  let span = 1;
  for (const s of steps) span = Math.max(span, s.offset_ms + s.duration_ms);
  return span;
};

/** The steps the worker placed, each with its event where the page already holds it. */
export const withKnownEvents = (
  steps: readonly StepView[],
  known: readonly StepView[],
): readonly StepView[] => {
  if (known.length === 0) return steps;
  const events = new Map(known.map((s) => [s.seq, s.event]));
  return steps.map((s) => {
    const event = events.get(s.seq);
    return event === undefined ? s : { ...s, event };
  });
};
