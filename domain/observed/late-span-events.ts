import { pipe } from 'fp-ts/lib/function.js';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { upcastEvent } from '../events/event-versions.js';
import { closedObject } from '../json/closed-object.js';
import { ReceivedSpanC } from './received-span.js';

export const LATE_SPAN_RECEIVED = 'LateSpanReceived';

/** A span of an observed run that arrived after the run was sealed (`aos-late-<run_id>`): kept as
 * received (redacted), never dropped, never part of the sealed run (docs/OBSERVED-RUNS.md). */
const LateSpanReceivedC = closedObject('LateSpanReceived', {
  run_id: t.string,
  span: ReceivedSpanC,
  received_at: t.string,
});
export type LateSpanReceived = t.TypeOf<typeof LateSpanReceivedC>;

export const decodeLateSpanReceived = (type: string, data: unknown): t.Validation<LateSpanReceived> =>
  type !== LATE_SPAN_RECEIVED
    ? t.failure(type, [], `unknown late span event type "${type}"`)
    : pipe(
        upcastEvent(type, data),
        E.flatMap((current) => LateSpanReceivedC.decode(current)),
      );
