import { Readable } from 'node:stream';
import type { BundleEvent } from '../../application/bundle/export-run-bundle.js';
import { bundleEventText } from '../../domain/bundle/bundle-event-text.js';
import type { StreamedRunBundle } from '../../application/bundle/streamed-run-bundle.js';
import type { EventStoreError, StoredEventText } from '../../domain/ports/event-store.js';

type Pages<T> = AsyncGenerator<readonly T[], EventStoreError | null>;

/** A stored event as the bundle carries it, its `data` the stored canonical text as it is. */
const eventLine = (e: StoredEventText): string =>
  bundleEventText({
    seq: e.seq,
    type: e.type,
    dataText: e.dataCanonical,
    recorded_at: e.recorded_at,
    link: e.link,
  });

/** The text of the bundle's document, its events read from the store a page at a time and written
 * a page at a time, one a line: the same JSON document as the whole bundle's JSON.stringify, in
 * memory that does not grow with the run. The members after `events` are asked for once the events
 * are read (their integrity is what the events gave). A store failure mid-way ends the stream with
 * an error: the reader gets a truncated document, never a complete-looking one. */
async function* bundleText<T>(
  head: object,
  pages: Pages<T>,
  text: (event: T) => string,
  tail: () => object,
): AsyncGenerator<string> {
  yield `${JSON.stringify(head).slice(0, -1)},"events":[`;
  let first = true;
  try {
    for (let next = await pages.next(); ; next = await pages.next()) {
      if (next.done) {
        if (next.value !== null) throw new Error(`reading the run's events failed: ${next.value.kind}`);
        break;
      }
      if (next.value.length === 0) continue;
      yield `${first ? '\n' : ',\n'}${next.value.map(text).join(',\n')}`;
      first = false;
    }
  } finally {
    await pages.return(null);
  }
  yield `${first ? '' : '\n'}],${JSON.stringify(tail()).slice(1)}`;
}

/** GET /api/runs/{run_id}/bundle's body, from a whole proof (`aos export`'s bundle). */
export const provedBundleStream = (
  bundle: Readonly<Record<string, unknown>>,
  pages: Pages<BundleEvent>,
): Readable => {
  const { format, tenant_id, run_id, ...rest } = bundle;
  return Readable.from(
    bundleText(
      { format, tenant_id, run_id },
      pages,
      (e) => JSON.stringify(e),
      () => rest,
    ),
  );
};

/** GET /api/runs/{run_id}/bundle's body, its integrity made over the events as they go out. */
export const streamedBundleStream = (bundle: StreamedRunBundle): Readable =>
  Readable.from(bundleText(bundle.head, bundle.pages, eventLine, bundle.tail));
