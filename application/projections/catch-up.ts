import type * as E from 'fp-ts/lib/Either.js';
import type { EventStoreError } from '../../domain/ports/event-store.js';
import { runStreamId } from '../../domain/run/identifiers.js';
import type { RunProof } from '../proof/prove-run.js';
import type { Runtime } from '../../cli/runtime.js';

const CATCH_UP_TIMEOUT_MS = 5_000;

/**
 * Before a run is proved: make the projections hold the run's events. A process killed after its
 * last append (before it projected) leaves them behind, and that lag is not tampering. Best effort:
 * when the projector cannot get there (an event it cannot decode, a transaction holding the global
 * order back), the proof runs anyway and reports what it finds.
 */
export const catchUpRunProjections = async (
  { pool, store }: Pick<Runtime, 'pool' | 'store'>,
  tenantId: string,
  runId: string,
): Promise<void> => {
  const { waitForProjections } = await import('../../adapters/postgres/read-model/projector.js');
  const stream = runStreamId(runId);
  const version = await store.streamVersion(tenantId, stream)();
  if (version._tag === 'Left' || version.right === 0) return;
  const last = await store.readStreamFrom(tenantId, stream, version.right - 1, 1)();
  const position = last._tag === 'Right' ? last.right[0]?.globalPosition : undefined;
  if (position === undefined) return;
  const reached = await waitForProjections(pool, store, position, { timeoutMs: CATCH_UP_TIMEOUT_MS });
  if (reached._tag === 'Left')
    process.stderr.write(
      `warning: the projections could not catch up with this run (${reached.left.kind}); proving what they hold\n`,
    );
};

const MAX_PASSES = 100;

/** Before reading the projections of many runs (runs list, verify-all): let the projector apply
 * what is pending, a pass at a time, best effort as above (a projector that cannot go on leaves
 * the tables as they are). */
export const catchUpAllProjections = async ({
  pool,
  store,
}: Pick<Runtime, 'pool' | 'store'>): Promise<void> => {
  const { catchUpProjections } = await import('../../adapters/postgres/read-model/projector.js');
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const caughtUp = await catchUpProjections(pool, store);
    if (caughtUp._tag === 'Left' || caughtUp.right.applied === 0) return;
  }
};

/** The run's projections caught up, then the run proved; a run still being written whose rows
 * fall behind its events again is caught up and proved again (proveAllowingLag). */
export const proveCaughtUp = async (
  runtime: Pick<Runtime, 'pool' | 'store'>,
  tenantId: string,
  runId: string,
  knownKeys: ReadonlyMap<string, Uint8Array>,
): Promise<E.Either<EventStoreError, RunProof>> => {
  const { proveRun, proveAllowingLag } = await import('../proof/prove-run.js');
  const catchUp = () => catchUpRunProjections(runtime, tenantId, runId);
  await catchUp();
  return proveAllowingLag(() => proveRun(runtime.pool, runtime.store, tenantId, runId, knownKeys), catchUp);
};
