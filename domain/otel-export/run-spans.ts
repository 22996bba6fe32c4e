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
  const params = recorded.step.params;
  const span = params['span'];
  if (span === null || typeof span !== 'object' || Array.isArray(span)) return undefined;
  const id = span['span_id'];
  return typeof id === 'string' ? id : undefined;
};

/**
 * The OpenTelemetry GenAI spans of a completed run: one per step (and per attempt of a retried
 * step) under the run's `invoke_agent` root, which comes last and spans its creation to its
 * completion (widened to cover every step). Ids are derived from tenant, run, step and attempt,
 * so the same run always gives the same spans.
 */
export const runSpans = (run: RunToExport): ExportSpan[] => {
  const context = runSpanContext(run.header.tenant_id, run.header.run_id);
  const observedIndex = new Map<string, number>();
  const spans: ExportSpan[] = [];
  let start = unixNanoOf(run.created_at);
  let end = unixNanoOf(run.completed_at);
  for (const recorded of run.steps) {
    const made = stepSpans(context, recorded, (id) => observedIndex.get(id));
    const original = recorded.step.skill.startsWith(OBSERVED_SKILL_PREFIX)
      ? originalSpanIdOf(recorded)
      : undefined;
    if (original !== undefined) observedIndex.set(original, recorded.step.step_index);
    for (const span of made) {
      start = minNano(start, span.start_unix_nano);
      end = maxNano(end, span.end_unix_nano);
    }
    spans.push(...made);
  }
  spans.push(rootSpan(context, run.header, run.facts, { start, end }));
  return spans;
};
