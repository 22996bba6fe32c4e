import * as E from 'fp-ts/lib/Either.js';
import type { ExportCheckpointKey } from '../ports/export-checkpoints.js';
import {
  exportCompletedRuns,
  type ExportObserver,
  type ExportTally,
  type OtelExportDeps,
} from './export-completed-runs.js';
import type { OtelExportError } from './otel-export-error.js';

/** Waits `ms`, or less when the signal stops it. */
const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * `otel export --follow`: exports the runs completed after the checkpoint of (endpoint, tenant
 * filter), then polls for newly completed ones every `pollMs`, until the signal stops it; the run
 * in flight is finished first (and checkpointed when accepted).
 */
export const followExports = async (
  deps: OtelExportDeps,
  scope: { readonly tenantId: string | null; readonly checkpoint: ExportCheckpointKey },
  signal: AbortSignal,
  pollMs: number,
  tally: ExportTally,
  observer: ExportObserver = {},
): Promise<E.Either<OtelExportError, void>> => {
  while (!signal.aborted) {
    const pass = await exportCompletedRuns(deps, scope, tally, () => signal.aborted, observer);
    if (E.isLeft(pass)) return pass;
    await pause(pollMs, signal);
  }
  return E.right(undefined);
};
