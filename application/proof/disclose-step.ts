import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, EventStoreError } from '../../domain/ports/event-store.js';
import { createStepDiscloser } from '../../domain/proof/step-disclosure.js';
import { runEvents } from '../runs/run-events.js';

export type StepInclusion = NonNullable<ReturnType<ReturnType<typeof createStepDiscloser>['result']>>;

/** The RFC 9162 inclusion proof of one step's leaf in the run's Merkle tree, from the events as
 * stored (undefined when the run has no such step). */
export const discloseStep = async (
  store: EventStore,
  tenantId: string,
  runId: string,
  step: number,
): Promise<E.Either<EventStoreError, StepInclusion | undefined>> => {
  const discloser = createStepDiscloser(tenantId, runId, step);
  const events = runEvents(store, tenantId, runId);
  try {
    for (let next = await events.next(); ; next = await events.next()) {
      if (!next.done) {
        discloser.push(next.value);
        continue;
      }
      if (next.value !== null) return E.left(next.value);
      return E.right(discloser.result());
    }
  } finally {
    await events.return(null);
  }
};
