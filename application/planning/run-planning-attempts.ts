import * as E from 'fp-ts/lib/Either.js';
import { MAX_REPAIR_ATTEMPTS } from '../../domain/agent/agent-planner.js';
import type { EventStore, EventStoreError } from '../../domain/ports/event-store.js';
import { decodeRunEvent, type PlanningAttempted } from '../../domain/run/run-events.js';
import { runStreamId } from '../../domain/stream-names.js';

/** A run's exchanges with the planner's model, from its events (they follow RunCreated, so only the
 * first events are read); empty for a run planned from a template. An event that does not decode
 * is left out here: the proof reports it. */
export const runPlanningAttempts = async (
  store: EventStore,
  tenantId: string,
  runId: string,
): Promise<E.Either<EventStoreError, PlanningAttempted[]>> => {
  const first = await store.readStreamFrom(tenantId, runStreamId(runId), 0, MAX_REPAIR_ATTEMPTS + 2)();
  return E.map((events: readonly { type: string; data: unknown }[]) =>
    events.flatMap((stored) => {
      const decoded = decodeRunEvent(stored.type, stored.data);
      return E.isRight(decoded) && decoded.right.type === 'PlanningAttempted' ? [decoded.right.data] : [];
    }),
  )(first);
};
