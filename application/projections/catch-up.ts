import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { EventStore, EventStoreError, StoredEvent } from '../../domain/ports/event-store.js';
import { runStreamId } from '../../domain/stream-names.js';
import { proveRun } from '../proof/prove-run.js';
import { proveAllowingLag, type RunProof } from '../proof/run-proof.js';
import type { ProjectionError } from '../ports/read-model.js';
import type { Services } from '../services.js';

const CATCH_UP_TIMEOUT_MS = 5_000;

/** What a best-effort catch-up tells when it could not get there. */
export type CatchUpWarning = (error: ProjectionError) => void;

/** The run's last event as the store holds it now (null when the run has none). */
export const lastRunEvent = async (
  store: EventStore,
  tenantId: string,
  runId: string,
): Promise<E.Either<EventStoreError, StoredEvent | null>> => {
  const stream = runStreamId(runId);
  return pipe(
    store.streamVersion(tenantId, stream),
    TE.flatMap((version): TE.TaskEither<EventStoreError, StoredEvent | null> =>
      version === 0
        ? TE.right(null)
        : pipe(
            store.readStreamFrom(tenantId, stream, version - 1, 1),
            TE.map((events) => events[0] ?? null),
          ),
    ),
  )();
};

/**
 * Before a run is proved: make the projections hold the run's events. A process killed after its
 * last append (before it projected) leaves them behind, and that lag is not tampering. Best effort:
 * when the projector cannot get there (an event it cannot decode, a transaction holding the global
 * order back), the proof runs anyway and reports what it finds; `warn` is told why.
 */
export const catchUpRunProjections = async (
  { store, readModel }: Pick<Services, 'store' | 'readModel'>,
  tenantId: string,
  runId: string,
  warn: CatchUpWarning = () => undefined,
): Promise<void> => {
  const last = await lastRunEvent(store, tenantId, runId);
  const position = E.isRight(last) ? last.right?.globalPosition : undefined;
  if (position === undefined) return;
  const reached = await readModel.projections.waitFor(position, { timeoutMs: CATCH_UP_TIMEOUT_MS });
  if (E.isLeft(reached)) warn(reached.left);
};

const MAX_PASSES = 100;

/** Before reading the projections of many runs (runs list, verify-all): let the projector apply
 * what is pending, a pass at a time, best effort as above (a projector that cannot go on leaves
 * the tables as they are). */
export const catchUpAllProjections = async ({ readModel }: Pick<Services, 'readModel'>): Promise<void> => {
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const caughtUp = await readModel.projections.catchUp();
    if (E.isLeft(caughtUp) || caughtUp.right.applied === 0) return;
  }
};

/** The run's projections caught up, then the run proved; a run still being written whose rows
 * fall behind its events again is caught up and proved again (proveAllowingLag). */
export const proveCaughtUp = async (
  services: Pick<Services, 'store' | 'readModel'>,
  tenantId: string,
  runId: string,
  knownKeys: ReadonlyMap<string, Uint8Array>,
  warn?: CatchUpWarning,
): Promise<E.Either<EventStoreError, RunProof>> => {
  const catchUp = () => catchUpRunProjections(services, tenantId, runId, warn);
  await catchUp();
  return proveAllowingLag(
    () =>
      proveRun({ store: services.store, reads: services.readModel.proofReads }, tenantId, runId, knownKeys),
    catchUp,
  );
};
