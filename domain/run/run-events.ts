import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { intBetween, nonNegativeNumber } from '../json/bounded-codecs.js';
import { upcastEvent } from '../events/event-versions.js';
import { closedObject } from '../json/closed-object.js';
import { JsonObjectC, JsonValueC } from '../json/json-value.js';
import { PlanC } from '../plan/plan.js';
import { StepIndexC } from './identifiers.js';

const cents = intBetween(0, Number.MAX_SAFE_INTEGER);

const RunCreatedC = closedObject('RunCreated', {
  run_id: t.string,
  tenant_id: t.string,
  agent_id: t.string,
  goal: t.string,
  origin_system_id: t.string,
  budget_cents: cents,
});

const RunPlannedC = closedObject('RunPlanned', { plan: PlanC });

const count = intBetween(0, Number.MAX_SAFE_INTEGER);

const PlanningMessageC = closedObject('PlanningMessage', {
  role: t.keyof({ system: null, user: null, assistant: null }),
  content: t.string,
});

const PlanningProblemC = closedObject('PlanningProblem', {
  step_index: t.union([count, t.null]),
  field: t.string,
  message: t.string,
});

/** One request to the planner's model and what came of it, kept whole as evidence: the messages
 * sent (secrets redacted; the API key is never in them), the answer or why none came, the tokens,
 * the time and the cost, and what was wrong with the plan it gave. */
const PlanningAttemptedC = closedObject(
  'PlanningAttempted',
  {
    attempt: intBetween(1, 100),
    /** The model asked (the configured name; the answer says which one answered). */
    model: t.string,
    messages: t.array(PlanningMessageC),
    /** Whether the request asked for JSON following the plan's JSON Schema. */
    response_format: t.keyof({ json_schema: null, none: null }),
    /** accepted: the plan is valid and RunPlanned follows; invalid: a plan that does not pass
     * validation (or no plan at all in the answer); failed: no answer (HTTP error, timeout...). */
    outcome: t.keyof({ accepted: null, invalid: null, failed: null }),
    latency_ms: nonNegativeNumber,
    cost_cents: cents,
    validation_errors: t.array(PlanningProblemC),
  },
  {
    answer: closedObject('PlanningAnswer', {
      content: t.string,
      finish_reason: t.union([t.string, t.null]),
      model: t.string,
    }),
    usage: closedObject('PlanningUsage', {
      prompt_tokens: count,
      completion_tokens: count,
      total_tokens: count,
    }),
    failure: closedObject('PlanningFailure', { code: t.string, message: t.string, retryable: t.boolean }),
  },
);

const SpanStatusC = closedObject('ObservedSpanStatus', {
  code: t.keyof({ unset: null, ok: null, error: null }),
  message: t.string,
});

/** In place of RunPlanned, for a run recorded from an OpenTelemetry trace after it ran (`aos serve`,
 * docs/OBSERVED-RUNS.md): no plan was stored before its steps executed. The root span's facts. */
const RunObservedC = closedObject('RunObserved', {
  source: t.literal('otlp'),
  trace_id: t.string,
  root_span_id: t.string,
  root_span_name: t.string,
  service_name: t.string,
  start_time_unix_nano: t.string,
  end_time_unix_nano: t.string,
  status: SpanStatusC,
  /** The root span's attributes and its resource's, redacted. */
  attributes: JsonObjectC,
  resource: JsonObjectC,
  /** When the first and the last of the run's spans reached the server (RFC 3339). */
  first_received_at: t.string,
  last_received_at: t.string,
});

const RunStartedC = closedObject('RunStarted', { attempt: intBetween(1, 1_000_000) });

const StepStatusC = t.keyof({ succeeded: null, failed: null, skipped: null });

const StepOutcomeC = closedObject('StepOutcome', {
  category: t.string,
  code: t.string,
  data: JsonValueC,
});

/** An attempt of a step that failed retryably and was tried again: kept in the step's record. */
const StepAttemptC = closedObject('StepAttempt', {
  attempt: intBetween(1, 1_000_000),
  outcome: StepOutcomeC,
  cost_cents: cents,
  duration_ms: nonNegativeNumber,
  /** The backoff waited after this attempt, before the next one. */
  backoff_ms: nonNegativeNumber,
});

const StepExecutedC = closedObject(
  'StepExecuted',
  {
    step_index: StepIndexC,
    skill: t.string,
    params: JsonObjectC,
    status: StepStatusC,
    outcome: StepOutcomeC,
    cost_cents: cents,
    duration_ms: nonNegativeNumber,
    retry_count: intBetween(0, 1_000_000),
  },
  {
    /** The earlier attempts when the step was retried (retry_count of them); the step's own
     * outcome is the last attempt's. cost_cents and duration_ms cover all attempts. */
    attempts: t.array(StepAttemptC),
  },
);

const RunErrorInfoC = closedObject(
  'RunErrorInfo',
  { code: t.string, message: t.string },
  { step_index: StepIndexC },
);

const RunCompletedC = closedObject(
  'RunCompleted',
  { status: t.keyof({ succeeded: null, failed: null, halted: null }) },
  { error: RunErrorInfoC },
);

export type RunCreated = t.TypeOf<typeof RunCreatedC>;
export type RunPlanned = t.TypeOf<typeof RunPlannedC>;
export type PlanningAttempted = t.TypeOf<typeof PlanningAttemptedC>;
export type RunObserved = t.TypeOf<typeof RunObservedC>;
export type RunStarted = t.TypeOf<typeof RunStartedC>;
export type StepExecuted = t.TypeOf<typeof StepExecutedC>;
export type StepAttempt = t.TypeOf<typeof StepAttemptC>;
export type RunCompleted = t.TypeOf<typeof RunCompletedC>;
export type RunErrorInfo = t.TypeOf<typeof RunErrorInfoC>;

export type RunEvent =
  | { readonly type: 'RunCreated'; readonly data: RunCreated }
  | { readonly type: 'PlanningAttempted'; readonly data: PlanningAttempted }
  | { readonly type: 'RunPlanned'; readonly data: RunPlanned }
  | { readonly type: 'RunObserved'; readonly data: RunObserved }
  | { readonly type: 'RunStarted'; readonly data: RunStarted }
  | { readonly type: 'StepExecuted'; readonly data: StepExecuted }
  | { readonly type: 'RunCompleted'; readonly data: RunCompleted };

export type RunEventType = RunEvent['type'];

const codecs = {
  RunCreated: RunCreatedC,
  PlanningAttempted: PlanningAttemptedC,
  RunPlanned: RunPlannedC,
  RunObserved: RunObservedC,
  RunStarted: RunStartedC,
  StepExecuted: StepExecutedC,
  RunCompleted: RunCompletedC,
} as const;

const isRunEventType = (type: string): type is RunEventType => Object.hasOwn(codecs, type);

/** Decodes an event read back from a store, upcast first to its type's current schema version
 * (docs/EVENTS.md); the codec is the gate before anything is folded or projected. */
export const decodeRunEvent = (type: string, data: unknown): t.Validation<RunEvent> => {
  if (!isRunEventType(type)) return t.failure(type, [], `unknown run event type "${type}"`);
  const current = upcastEvent(type, data);
  if (E.isLeft(current)) return current;
  const decoded = (codecs[type] as t.Decoder<unknown, RunEvent['data']>).decode(current.right);
  return E.isLeft(decoded) ? decoded : t.success({ type, data: decoded.right } as RunEvent);
};
