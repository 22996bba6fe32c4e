import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, EventStoreError, StoredEvent } from '../../domain/ports/event-store.js';
import { runStreamId } from '../../domain/stream-names.js';

/** A run's event as `aos events` shows it, with its chain link. */
export type RunEventView = {
  readonly tenant_id: string;
  readonly run_id: string;
  readonly seq: number;
  readonly type: string;
  readonly data: unknown;
  readonly recorded_at: string;
  readonly link: string | null;
};

/** The run's events in seq order (none when the run does not exist in this tenant). */
export const readRunEvents = async (
  store: EventStore,
  tenantId: string,
  runId: string,
): Promise<E.Either<EventStoreError, RunEventView[]>> =>
  E.map((events: readonly StoredEvent[]) =>
    events.map((e) => ({
      tenant_id: e.tenant_id,
      run_id: runId,
      seq: e.seq,
      type: e.type,
      data: e.data,
      recorded_at: e.recorded_at,
      link: e.link,
    })),
  )(await store.readStream(tenantId, runStreamId(runId))());
