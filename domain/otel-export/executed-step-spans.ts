import type { StepAttempt, StepExecuted } from '../run/run-events.js';
import type { ExportSpan } from './export-span.js';
import type { RunSpanContext } from './run-span-context.js';
import { skillSpanShape, type SkillSpanShape } from './skill-step-attributes.js';
import { attemptSpanIdOf, stepSpanIdOf } from './span-ids.js';
import { maxNano, minNano, nanosOfMs, unixNanoOf } from './span-times.js';
import { outcomeStatus } from './step-outcome-status.js';

/** A step's record and when it was recorded (its end: the runner records a step as it ends). */
export type RecordedStep = { readonly recorded_at: string; readonly step: StepExecuted };

type Window = { readonly start: bigint; readonly end: bigint };

const attemptSpan = (
  run: RunSpanContext,
  step: StepExecuted,
  shape: SkillSpanShape,
  attempt: Pick<StepAttempt, 'attempt' | 'outcome'> & { readonly status: StepExecuted['status'] },
  window: Window,
): ExportSpan => {
  const { status, attributes } = outcomeStatus(attempt.status, attempt.outcome);
  return {
    trace_id: run.trace_id,
    span_id: attemptSpanIdOf(run.tenant_id, run.run_id, step.step_index, attempt.attempt),
    parent_span_id: stepSpanIdOf(run.tenant_id, run.run_id, step.step_index),
    name: `${shape.name} attempt ${attempt.attempt}`,
    kind: shape.kind,
    start_unix_nano: window.start,
    end_unix_nano: window.end,
    status,
    attributes: {
      ...shape.shared,
      ...attributes,
      'aos.step.index': step.step_index,
      'aos.step.attempt': attempt.attempt,
    },
  };
};

/** The attempts of a retried step, one after the other from the step's start: each lasted its
 * duration and was followed by its backoff; the last one (the step's own outcome) ends with it. */
const attemptSpans = (
  run: RunSpanContext,
  step: StepExecuted,
  shape: SkillSpanShape,
  window: Window,
): ExportSpan[] => {
  const earlier = step.attempts ?? [];
  if (earlier.length === 0) return [];
  let cursor = window.start;
  const spans = earlier.map((attempt) => {
    const start = minNano(cursor, window.end);
    const end = minNano(start + nanosOfMs(attempt.duration_ms), window.end);
    cursor = end + nanosOfMs(attempt.backoff_ms);
    return attemptSpan(run, step, shape, { ...attempt, status: 'failed' }, { start, end });
  });
  const last = { attempt: earlier.length + 1, outcome: step.outcome, status: step.status };
  return [
    ...spans,
    attemptSpan(run, step, shape, last, { start: minNano(cursor, window.end), end: window.end }),
  ];
};

/** A step executed here: its span under the run's root (from its recorded end back by its
 * duration, every attempt included), then one span per attempt when it was retried. */
export const executedStepSpans = (run: RunSpanContext, recorded: RecordedStep): ExportSpan[] => {
  const { step } = recorded;
  const end = unixNanoOf(recorded.recorded_at);
  const window = { start: maxNano(0n, end - nanosOfMs(step.duration_ms)), end };
  const shape = skillSpanShape(step);
  const { status, attributes } = outcomeStatus(step.status, step.outcome);
  const stepSpan: ExportSpan = {
    trace_id: run.trace_id,
    span_id: stepSpanIdOf(run.tenant_id, run.run_id, step.step_index),
    parent_span_id: run.root_span_id,
    name: shape.name,
    kind: shape.kind,
    start_unix_nano: window.start,
    end_unix_nano: window.end,
    status,
    attributes: {
      ...shape.attributes,
      ...attributes,
      'aos.step.index': step.step_index,
      'aos.step.skill': step.skill,
      'aos.step.status': step.status,
      'aos.step.cost_cents': step.cost_cents,
      'aos.step.retry_count': step.retry_count,
    },
  };
  return [stepSpan, ...attemptSpans(run, step, shape, window)];
};
