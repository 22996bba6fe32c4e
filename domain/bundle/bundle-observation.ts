import * as E from 'fp-ts/lib/Either.js';
import { decodeRunEvent, type RunObserved } from '../run/run-events.js';

/** Where an observed run came from, as a bundle's events say (its RunObserved, decoded); null for a
 * planned run or a bundle that holds no such event. Read for the report only: the verdict comes
 * from the chain and the seal, which cover this event like any other. */
export const bundleObservation = (
  document: unknown,
): Pick<RunObserved, 'source' | 'trace_id' | 'root_span_id' | 'service_name'> | null => {
  const events = (document as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return null;
  for (const event of events as { type?: unknown; data?: unknown }[]) {
    if (event?.type !== 'RunObserved') continue;
    const decoded = decodeRunEvent('RunObserved', event.data);
    if (E.isLeft(decoded) || decoded.right.type !== 'RunObserved') return null;
    const { source, trace_id, root_span_id, service_name } = decoded.right.data;
    return { source, trace_id, root_span_id, service_name };
  }
  return null;
};
