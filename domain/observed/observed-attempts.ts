import type { StepAttempt } from '../run/run-events.js';
import type { ReceivedSpan } from './received-span.js';
import { countAttribute, GenAi, stringAttribute } from './span-attributes.js';
import type { StagedSpan } from './trace-runs.js';

/** The attribute `aos-int otel export` marks the span of each attempt of a retried step with
 * (a child of the step's span): such a span is an attempt of its parent step, not a step. */
const ATTEMPT_KEY = 'aos.step.attempt';

const nanos = (text: string): bigint => BigInt(text);
const msBetween = (start: bigint, end: bigint): number =>
  end <= start ? 0 : Number((end - start) / 1000n) / 1000;

/** A span's failure, as an attempt's outcome. */
const attemptOutcome = (span: ReceivedSpan): StepAttempt['outcome'] => {
  const code =
    stringAttribute(span.attributes, GenAi.errorType) ?? (span.status.code === 'error' ? 'ERROR' : 'OK');
  return {
    category: code === 'OK' ? 'succeeded' : 'failed',
    code,
    data: span.status.message === '' ? {} : { status_message: span.status.message },
  };
};

/** The run's steps, and the attempt spans of each (by the step's span id, in attempt order). */
export type StepsWithAttempts = {
  readonly steps: readonly StagedSpan[];
  readonly attemptsOf: ReadonlyMap<string, readonly ReceivedSpan[]>;
};

/** Sets apart the attempt spans (aos.step.attempt, under another span of the run) from the steps. */
export const stepsWithAttempts = (spans: readonly StagedSpan[]): StepsWithAttempts => {
  const ids = new Set(spans.map((s) => s.span.span_id));
  const attemptsOf = new Map<string, ReceivedSpan[]>();
  const steps: StagedSpan[] = [];
  for (const staged of spans) {
    const parent = staged.span.parent_span_id;
    if (
      countAttribute(staged.span.attributes, ATTEMPT_KEY) === undefined ||
      parent === null ||
      !ids.has(parent)
    ) {
      steps.push(staged);
      continue;
    }
    attemptsOf.set(parent, [...(attemptsOf.get(parent) ?? []), staged.span]);
  }
  for (const list of attemptsOf.values())
    list.sort(
      (a, b) =>
        (countAttribute(a.attributes, ATTEMPT_KEY) ?? 0) - (countAttribute(b.attributes, ATTEMPT_KEY) ?? 0),
    );
  return { steps, attemptsOf };
};

/** The earlier attempts of a step from its attempt spans: every one but the last (the last is the
 * step's own outcome), each with its duration and the wait before the next one. */
export const earlierAttempts = (attempts: readonly ReceivedSpan[]): StepAttempt[] =>
  attempts.slice(0, -1).map((span, i) => {
    const next = attempts[i + 1]!;
    return {
      attempt: countAttribute(span.attributes, ATTEMPT_KEY) ?? i + 1,
      outcome: attemptOutcome(span),
      cost_cents: 0,
      duration_ms: msBetween(nanos(span.start_time_unix_nano), nanos(span.end_time_unix_nano)),
      backoff_ms: msBetween(nanos(span.end_time_unix_nano), nanos(next.start_time_unix_nano)),
    };
  });
