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
  readonly event: BundleEventBody;
};

const numberOf = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : 0;

/** The run's steps in order, placed in time: a step ends when its event was recorded and began its
 * duration before. The run starts at RunStarted (or its first event). */
export const runSteps = (events: readonly BundleEventBody[]): StepView[] => {
  const started = events.find((e) => e.type === 'RunStarted') ?? events[0];
  const origin = started === undefined ? 0 : Date.parse(started.recorded_at);
  return events
    .filter((e) => e.type === 'StepExecuted')
    .map((e) => {
      const duration = numberOf(e.data.duration_ms);
      return {
        seq: e.seq,
        step_index: numberOf(e.data.step_index),
        skill: String(e.data.skill ?? ''),
        status: String(e.data.status ?? ''),
        offset_ms: Math.max(0, Date.parse(e.recorded_at) - duration - origin),
        duration_ms: duration,
        retry_count: numberOf(e.data.retry_count),
        cost_cents: numberOf(e.data.cost_cents),
        event: e,
      };
    });
};

/** The span of time the waterfall scales to: the end of the last step (at least 1 ms). */
export const timelineSpan = (steps: readonly StepView[]): number =>
  Math.max(1, ...steps.map((s) => s.offset_ms + s.duration_ms));
