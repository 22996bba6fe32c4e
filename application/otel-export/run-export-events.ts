import * as E from 'fp-ts/lib/Either.js';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import type { RecordedStep } from '../../domain/otel-export/executed-step-spans.js';
import type { StoredEvent } from '../../domain/ports/event-store.js';
import { decodeRunEvent, type RunCompleted, type RunCreated } from '../../domain/run/run-events.js';

/** An event of a run that its spans are made of, with when it was recorded. */
export type ExportedEvent =
  | { readonly kind: 'created'; readonly at: string; readonly data: RunCreated }
  | { readonly kind: 'step'; readonly recorded: RecordedStep }
  | { readonly kind: 'completed'; readonly at: string; readonly data: RunCompleted };

const RELEVANT = new Set(['RunCreated', 'StepExecuted', 'RunCompleted']);

/** RunCreated, StepExecuted and RunCompleted decoded (upcast first, as every reader does); null for
 * the others (planning, starts, and kinds this build does not know), which no span carries; a
 * message when a relevant one does not decode. */
export const exportedEvent = (event: StoredEvent): E.Either<string, ExportedEvent | null> => {
  if (!RELEVANT.has(event.type)) return E.right(null);
  const decoded = decodeRunEvent(event.type, event.data);
  if (E.isLeft(decoded))
    return E.left(`event ${event.seq} (${event.type}): ${describeDecodeErrors(decoded.left).join('; ')}`);
  const { right } = decoded;
  switch (right.type) {
    case 'RunCreated':
      return E.right({ kind: 'created', at: event.recorded_at, data: right.data });
    case 'StepExecuted':
      return E.right({ kind: 'step', recorded: { recorded_at: event.recorded_at, step: right.data } });
    case 'RunCompleted':
      return E.right({ kind: 'completed', at: event.recorded_at, data: right.data });
    default:
      return E.right(null);
  }
};
