import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { observedRun } from '../../domain/observed/observed-run.js';
import { traceRuns, type StagedSpan, type TraceRun } from '../../domain/observed/trace-runs.js';
import type { EventStoreError } from '../../domain/ports/event-store.js';
import type { RunWriterDeps } from '../runs/run-writer.js';
import type { SpanStaging, SpanStagingError, TraceToSeal } from '../ports/span-staging.js';
import { appendLateSpans } from './late-spans.js';
import { recordObservedRun, type RecordObservedRunError } from './record-observed-run.js';

export type SealTraceDeps = RunWriterDeps &
  Required<Pick<RunWriterDeps, 'signer'>> & { readonly staging: SpanStaging };

export type SealTraceError =
  | { readonly kind: 'staging'; readonly error: SpanStagingError }
  | { readonly kind: 'late'; readonly run_id: string; readonly error: EventStoreError }
  | { readonly kind: 'record'; readonly run_id: string; readonly error: RecordObservedRunError };

/** What sealing one trace did. */
export type TraceSealing = {
  readonly tenant_id: string;
  readonly trace_id: string;
  /** Runs recorded and sealed now, with their step counts. */
  readonly sealed: readonly { readonly run_id: string; readonly steps: number }[];
  /** Spans recorded as late (their run was sealed before they arrived). */
  readonly late: number;
  /** Spans left waiting: no run root has arrived for them yet. */
  readonly waiting: number;
};

const pendingOf = (spans: readonly StagedSpan[]) => spans.filter((s) => s.state === 'pending');

const lateFor = (deps: SealTraceDeps, trace: TraceToSeal, runId: string, spans: readonly StagedSpan[]) =>
  spans.length === 0
    ? TE.right(0)
    : pipe(
        appendLateSpans(deps)(trace.tenant_id, runId, spans),
        TE.mapLeft((error): SealTraceError => ({ kind: 'late', run_id: runId, error })),
        TE.chainFirst(() =>
          pipe(
            deps.staging.markRecorded(
              trace.tenant_id,
              trace.trace_id,
              runId,
              'late',
              spans.map((s) => s.span.span_id),
            ),
            TE.mapLeft((error): SealTraceError => ({ kind: 'staging', error })),
          ),
        ),
      );

/** A run whose root is still pending is recorded and sealed now (its pending spans that the
 * stored run turns out not to hold, after a crash, are late); a sealed run's pending spans are late. */
const settleRun = (deps: SealTraceDeps, trace: TraceToSeal, run: TraceRun) => {
  const pending = pendingOf(run.steps);
  if (run.root.state !== 'pending') {
    const runId = run.root.run_id!;
    return pipe(
      lateFor(deps, trace, runId, pending),
      TE.map((late) => ({ sealed: null, late })),
    );
  }
  const observed = observedRun(trace.tenant_id, run);
  return pipe(
    recordObservedRun(deps)(observed),
    TE.mapLeft((error): SealTraceError => ({ kind: 'record', run_id: observed.run_id, error })),
    TE.chainFirst((recorded) =>
      pipe(
        deps.staging.markRecorded(
          trace.tenant_id,
          trace.trace_id,
          recorded.run_id,
          'sealed',
          recorded.span_ids,
        ),
        TE.mapLeft((error): SealTraceError => ({ kind: 'staging', error })),
      ),
    ),
    TE.chain((recorded) => {
      const held = new Set(recorded.span_ids);
      return pipe(
        lateFor(
          deps,
          trace,
          recorded.run_id,
          pending.filter((s) => !held.has(s.span.span_id)),
        ),
        TE.map((late) => ({
          sealed:
            recorded.outcome === 'recorded'
              ? { run_id: recorded.run_id, steps: observed.steps.length }
              : null,
          late,
        })),
      );
    }),
  );
};

/**
 * Seals what one trace's staged spans make ready (docs/OBSERVED-RUNS.md): each run whose root span
 * has arrived is recorded and sealed once; spans of runs sealed before are recorded as late; spans
 * in no run yet wait for their root. The trace is then marked as looked at up to its last arrival.
 */
export const sealObservedTrace =
  (deps: SealTraceDeps) =>
  (trace: TraceToSeal): TE.TaskEither<SealTraceError, TraceSealing> =>
    pipe(
      deps.staging.traceSpans(trace.tenant_id, trace.trace_id),
      TE.mapLeft((error): SealTraceError => ({ kind: 'staging', error })),
      TE.chain((spans) => {
        const { runs, unattributed } = traceRuns(spans);
        return pipe(
          TE.sequenceSeqArray(runs.map((run) => settleRun(deps, trace, run))),
          TE.map((settled) => ({
            tenant_id: trace.tenant_id,
            trace_id: trace.trace_id,
            sealed: settled.flatMap((s) => (s.sealed === null ? [] : [s.sealed])),
            late: settled.reduce((sum, s) => sum + s.late, 0),
            waiting: pendingOf(unattributed).length,
          })),
        );
      }),
      TE.chainFirst(() =>
        pipe(
          deps.staging.markChecked(trace.tenant_id, trace.trace_id, trace.arrivals),
          TE.mapLeft((error): SealTraceError => ({ kind: 'staging', error })),
        ),
      ),
    );

/** Whether a sealing failure may pass on another try (the database or the store failed, or was
 * contended) rather than being a refusal of what was received, which another try would repeat. */
export const sealingRetryable = (error: SealTraceError): boolean => {
  if (error.kind !== 'record') return true;
  const kind = error.error.kind;
  return kind === 'store' || kind === 'seal_not_appended';
};
