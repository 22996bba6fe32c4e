import type { EventStoreError } from '../../domain/ports/event-store.js';
import type { RunStream } from '../../domain/run/run-stream.js';

/** The store failed (unreachable, or a statement it refused) after the run was recorded: the run
 * stands at its last append, and `aos runs resume` continues it. */
export type RunCutOff = {
  readonly kind: 'run_cut_off';
  readonly tenant_id: string;
  readonly run_id: string;
  readonly error: EventStoreError;
};

type StoreError = { readonly kind: 'store'; readonly error: EventStoreError };

const isStoreError = (error: { readonly kind: string }): error is StoreError =>
  error.kind === 'store' && 'error' in error;

/** For a run already recorded: a store that failed or went away cut the run off (named, so that
 * it can be continued); a version conflict (another writer went on) and other errors stay as they are. */
export const cutOffByStoreFailure =
  (stream: Pick<RunStream, 'tenantId' | 'runId'>) =>
  <L extends { readonly kind: string }>(error: L): L | RunCutOff =>
    isStoreError(error) && (error.error.kind === 'store_unavailable' || error.error.kind === 'store_failed')
      ? { kind: 'run_cut_off', tenant_id: stream.tenantId, run_id: stream.runId, error: error.error }
      : error;
