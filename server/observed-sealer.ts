import * as E from 'fp-ts/lib/Either.js';
import type { Logger } from 'pino';
import { sealDueTraces, type SealingPass } from '../application/ingest/seal-due-traces.js';
import type { SealTraceDeps } from '../application/ingest/seal-observed-trace.js';

/** The sealer of observed runs: a pass every `intervalMs` seals the traces quiet for
 * `quietPeriodMs`; `stop` ends the passes and makes a last one over every trace, quiet or not. */
export type ObservedSealer = { readonly stop: () => Promise<void> };

const logPass = (logger: Logger, pass: SealingPass): void => {
  for (const sealing of pass.sealings) {
    for (const run of sealing.sealed)
      logger.info(
        { event: 'run_sealed', trace_id: sealing.trace_id, run_id: run.run_id, steps: run.steps },
        `observed run ${run.run_id} sealed with ${run.steps} steps`,
      );
    if (sealing.late > 0)
      logger.warn(
        { event: 'late_spans', trace_id: sealing.trace_id, spans: sealing.late },
        `${sealing.late} spans arrived after their run was sealed: recorded as LateSpanReceived`,
      );
  }
  for (const failure of pass.failures)
    logger.error(
      {
        event: 'seal_failed',
        trace_id: failure.trace.trace_id,
        retryable: failure.retryable,
        error: failure.error,
      },
      `trace ${failure.trace.trace_id} could not be sealed${failure.retryable ? ' (tried again on the next pass)' : ''}`,
    );
};

const MAX_FINAL_PASSES = 1000;

export const startObservedSealer = (
  deps: SealTraceDeps,
  options: { readonly quietPeriodMs: number; readonly intervalMs: number; readonly logger: Logger },
): ObservedSealer => {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  /** One pass; how many traces it sealed (0 when it failed: nothing more to do now). */
  const pass = async (quietPeriodMs: number | null): Promise<number> => {
    try {
      const result = await sealDueTraces(deps)(quietPeriodMs);
      if (E.isRight(result)) {
        logPass(options.logger, result.right);
        return result.right.sealings.length;
      }
      options.logger.error(
        { event: 'seal_pass_failed', error: result.left },
        'the sealing pass could not read the staging',
      );
    } catch (error) {
      options.logger.error({ event: 'seal_pass_failed', err: String(error) }, 'the sealing pass failed');
    }
    return 0;
  };
  const tick = (): void => {
    inFlight = pass(options.quietPeriodMs).finally(() => {
      if (!stopped) timer = setTimeout(tick, options.intervalMs);
    });
  };
  timer = setTimeout(tick, options.intervalMs);
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
      // What is staged is sealed now: a root span that has arrived does not wait for a quiet period.
      // A pass looks at a bounded number of traces: passes go on while they seal something.
      for (let passes = 0; passes < MAX_FINAL_PASSES && (await pass(null)) > 0; passes++);
    },
  };
};
