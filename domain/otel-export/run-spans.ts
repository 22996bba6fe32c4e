import { executedStepSpans, type RecordedStep } from './executed-step-spans.js';
import type { ExportSpan } from './export-span.js';
import { OBSERVED_SKILL_PREFIX } from './observed-step-record.js';
import { observedStepSpan } from './observed-step-span.js';
import { rootSpan, type ProofFacts, type RunHeader } from './root-span.js';
import type { RunSpanContext } from './run-span-context.js';
import { rootSpanIdOf, traceIdOf } from './span-ids.js';
import { maxNano, minNano, unixNanoOf } from './span-times.js';

/** A completed run to export: its header, when it was created and completed, its steps in order,
 * and its proof's facts. */
export type RunToExport = {
  readonly header: RunHeader;
  readonly created_at: string;
  readonly completed_at: string;
  readonly steps: readonly RecordedStep[];
  readonly facts: ProofFacts;
};

export const runSpanContext = (tenantId: string, runId: string): RunSpanContext => ({
  tenant_id: tenantId,
  run_id: runId,
  trace_id: traceIdOf(tenantId, runId),
  root_span_id: rootSpanIdOf(tenantId, runId),
});

/** The spans of one step: a step recorded from a span goes back as that span; a step executed
 * here (or an observed one whose record cannot be read as such) as its skill's GenAI span. */
const stepSpans = (
  run: RunSpanContext,
  recorded: RecordedStep,
  parentOf: (originalSpanId: string) => number | undefined,
): ExportSpan[] => {
  if (recorded.step.skill.startsWith(OBSERVED_SKILL_PREFIX)) {
    const observed = observedStepSpan(run, recorded.step, parentOf);
    if (observed !== null) return [observed];
  }
  return executedStepSpans(run, recorded);
};

const originalSpanIdOf = (recorded: RecordedStep): string | undefined => {
  const span = recorded.step.params['span'];
  if (span === null || typeof span !== 'object' || Array.isArray(span)) return undefined;
  const id = span['span_id'];
  return typeof id === 'string' ? id : undefined;
};

/** What mapping a run's steps one at a time carries from step to step: its ids, the steps
 * recorded from spans by their original span ids (their children's parents), and the time the
 * steps cover so far. An accumulator the functions below update: a run of any length is mapped
 * as its events are read, its spans sent a batch at a time. */
export type RunSpanFold = {
  readonly context: RunSpanContext;
  readonly observedIndex: Map<string, number>;
  start: bigint | null;
  end: bigint | null;
};

export const startRunSpans = (tenantId: string, runId: string): RunSpanFold => ({
  context: runSpanContext(tenantId, runId),
  observedIndex: new Map(),
  start: null,
  end: null,
});

/** The spans of the run's next step (in step order). */
export const nextStepSpans = (fold: RunSpanFold, recorded: RecordedStep): ExportSpan[] => {
  const made = stepSpans(fold.context, recorded, (id) => fold.observedIndex.get(id));
  if (recorded.step.skill.startsWith(OBSERVED_SKILL_PREFIX)) {
    const original = originalSpanIdOf(recorded);
    if (original !== undefined) fold.observedIndex.set(original, recorded.step.step_index);
  }
  for (const span of made) {
    fold.start = fold.start === null ? span.start_unix_nano : minNano(fold.start, span.start_unix_nano);
    fold.end = fold.end === null ? span.end_unix_nano : maxNano(fold.end, span.end_unix_nano);
  }
  return made;
};

/** The run's `invoke_agent` root, once its steps are mapped: from its creation to its completion,
 * widened to cover every step. */
export const runRootSpan = (fold: RunSpanFold, run: Omit<RunToExport, 'steps'>): ExportSpan => {
  const created = unixNanoOf(run.created_at);
  const completed = unixNanoOf(run.completed_at);
  return rootSpan(fold.context, run.header, run.facts, {
    start: fold.start === null ? created : minNano(created, fold.start),
    end: fold.end === null ? completed : maxNano(completed, fold.end),
  });
};

/**
 * The OpenTelemetry GenAI spans of a completed run: one per step (and per attempt of a retried
 * step) under the run's `invoke_agent` root, which comes last. Ids are derived from tenant, run,
 * step and attempt, so the same run always gives the same spans.
 */
export const runSpans = (run: RunToExport): ExportSpan[] => {
  const fold = startRunSpans(run.header.tenant_id, run.header.run_id);
  return [...run.steps.flatMap((recorded) => nextStepSpans(fold, recorded)), runRootSpan(fold, run)];
};
