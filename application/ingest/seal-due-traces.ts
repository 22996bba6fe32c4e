import * as E from 'fp-ts/lib/Either.js';
import type { TraceToSeal } from '../ports/span-staging.js';
import {
  sealingRetryable,
  sealObservedTrace,
  type SealTraceDeps,
  type SealTraceError,
  type TraceSealing,
} from './seal-observed-trace.js';

export type SealingPass = {
  readonly sealings: readonly TraceSealing[];
  /** Traces that could not be sealed: retried on the next pass when `retryable`, else marked as
   * looked at (they wait for a new span) and reported. */
  readonly failures: readonly {
    readonly trace: TraceToSeal;
    readonly error: SealTraceError;
    readonly retryable: boolean;
  }[];
};

/** How many traces one pass looks at, at most. */
const TRACES_PER_PASS = 200;

/**
 * One pass of the sealer: every trace whose spans have been quiet for the quiet period (or every
 * trace with new spans, `quietPeriodMs` null: at shutdown) is sealed as far as its spans allow.
 */
export const sealDueTraces =
  (deps: SealTraceDeps) =>
  async (quietPeriodMs: number | null): Promise<E.Either<SealTraceError, SealingPass>> => {
    const quietBefore =
      quietPeriodMs === null ? null : new Date(Date.parse(deps.clock.now()) - quietPeriodMs).toISOString();
    const due = await deps.staging.tracesToSeal(quietBefore, TRACES_PER_PASS)();
    if (E.isLeft(due)) return E.left({ kind: 'staging', error: due.left });
    const sealings: TraceSealing[] = [];
    const failures: SealingPass['failures'][number][] = [];
    for (const trace of due.right) {
      const sealed = await sealObservedTrace(deps)(trace)();
      if (E.isRight(sealed)) {
        sealings.push(sealed.right);
        continue;
      }
      const retryable = sealingRetryable(sealed.left);
      failures.push({ trace, error: sealed.left, retryable });
      if (!retryable) await deps.staging.markChecked(trace.tenant_id, trace.trace_id, trace.arrivals)();
    }
    return E.right({ sealings, failures });
  };
