import * as E from 'fp-ts/lib/Either.js';
import type { Logger } from 'pino';
import { sealDueTraces, type SealingPass } from '../application/ingest/seal-due-traces.js';
import type { ObservedIngest } from './observed-ingest.js';

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

/** The tenants whose ledgers got a seal in the pass (their new head goes to the witnesses). */
const tenantsSealed = (pass: SealingPass): string[] => [
  ...new Set(pass.sealings.filter((s) => s.sealed.length > 0).map((s) => s.tenant_id)),
];

/** Each new seal of the tenants time-stamped by the TSA, when one is configured; a seal it does not
 * stamp stays without (a warning; `aos-int ledger timestamp` asks again). */
const stampSeals = async (ingest: ObservedIngest, tenants: readonly string[], logger: Logger) => {
  if (ingest.stampSeals === undefined) return;
  for (const tenantId of tenants) {
    const result = await ingest.stampSeals(tenantId);
    if (E.isLeft(result) || result.right.unstamped.length > 0)
      logger.warn(
        { event: 'seals_unstamped', tenant_id: tenantId, error: E.isLeft(result) ? result.left.kind : null },
        'seals without a time stamp: aos-int ledger timestamp asks again',
      );
    else
      logger.info(
        { event: 'seals_stamped', tenant_id: tenantId, stamped: result.right.stamped },
        'seals time-stamped',
      );
  }
};

/** Each tenant's new head to the witnesses, after the pass that sealed its runs: once per tenant
 * per pass, whatever they answer (an uncosigned head is kept and sent again by the next one). */
const cosignHeads = async (ingest: ObservedIngest, tenants: readonly string[], logger: Logger) => {
  if (ingest.cosignHead === undefined) return;
  for (const tenantId of tenants) {
    const result = await ingest.cosignHead(tenantId);
    if (E.isLeft(result))
      logger.warn(
        { event: 'head_not_sent', tenant_id: tenantId, error: result.left.kind },
        'the tree head was not sent to the witnesses',
      );
    else
      logger[result.right.cosigned ? 'info' : 'warn'](
        {
          event: result.right.cosigned ? 'head_cosigned' : 'head_uncosigned',
          tenant_id: tenantId,
          tree_size: result.right.tree_size,
          witnesses: result.right.witnesses,
        },
        result.right.cosigned
          ? 'tree head cosigned by every witness'
          : 'tree head not cosigned by every witness: sent again later',
      );
  }
};

export const startObservedSealer = (
  deps: ObservedIngest,
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
        const tenants = tenantsSealed(result.right);
        await stampSeals(deps, tenants, options.logger);
        await cosignHeads(deps, tenants, options.logger);
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
