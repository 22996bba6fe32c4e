import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { canonicalJson } from '../../domain/json/canonical-json.js';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import {
  decodeLateSpanReceived,
  LATE_SPAN_RECEIVED,
  type LateSpanReceived,
} from '../../domain/observed/late-span-events.js';
import type { StagedSpan } from '../../domain/observed/trace-runs.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { EventStore, EventStoreError, StoredEvent } from '../../domain/ports/event-store.js';
import { lateSpanStreamId } from '../../domain/stream-names.js';

/**
 * Records spans that arrived after their run was sealed: one LateSpanReceived each, appended to
 * the run's `aos-late-<run_id>` stream at its current length (a concurrent writer makes the append
 * fail whole, and the spans stay pending for the next pass). The sealed run is not touched.
 */
export const appendLateSpans =
  (deps: { readonly store: EventStore; readonly clock: Clock }) =>
  (tenantId: string, runId: string, spans: readonly StagedSpan[]): TE.TaskEither<EventStoreError, number> => {
    const stream = lateSpanStreamId(runId);
    const recordedAt = deps.clock.now();
    return pipe(
      deps.store.readStream(tenantId, stream),
      TE.chain((events) =>
        deps.store.appendToStream(
          tenantId,
          stream,
          events.length,
          spans.map((staged) => {
            const data: LateSpanReceived = {
              run_id: runId,
              span: staged.span,
              received_at: staged.received_at,
            };
            return {
              type: LATE_SPAN_RECEIVED,
              data,
              dataCanonical: canonicalJson(data),
              recorded_at: recordedAt,
              link: null,
            };
          }),
        ),
      ),
      TE.map(() => spans.length),
    );
  };

/** The spans of an observed run that arrived after its seal, as recorded (each event decoded). */
export const readLateSpans =
  (store: EventStore) =>
  (tenantId: string, runId: string): TE.TaskEither<EventStoreError, readonly LateSpanReceived[]> =>
    pipe(
      store.readStream(tenantId, lateSpanStreamId(runId)),
      TE.chainEitherK((events) =>
        E.traverseArray((event: StoredEvent) =>
          pipe(
            decodeLateSpanReceived(event.type, event.data),
            E.mapLeft((errors): EventStoreError => ({
              kind: 'store_failed',
              message: `${lateSpanStreamId(runId)} event ${event.seq} does not decode: ${describeDecodeErrors(errors).join('; ')}`,
            })),
          ),
        )(events),
      ),
    );
