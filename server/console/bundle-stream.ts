import { Readable } from 'node:stream';
import type { BundleEvent, RunBundleExport } from '../../application/bundle/export-run-bundle.js';
import type { EventStoreError } from '../../domain/ports/event-store.js';

type EventPages = AsyncGenerator<BundleEvent[], EventStoreError | null>;

/** The text of the bundle's document, its events read from the store a page at a time and written
 * a page at a time: the same JSON document as a JSON.stringify of the whole bundle (members in the
 * same order), in memory that does not grow with the run. A store failure mid-way ends the stream
 * with an error: the reader gets a truncated document, never a complete-looking one. */
async function* bundleText(bundle: RunBundleExport['bundle'], pages: EventPages): AsyncGenerator<string> {
  const { format, tenant_id, run_id, ...rest } = bundle;
  yield `${JSON.stringify({ format, tenant_id, run_id }).slice(0, -1)},"events":[`;
  let first = true;
  try {
    for (let next = await pages.next(); ; next = await pages.next()) {
      if (next.done) {
        if (next.value !== null) throw new Error(`reading the run's events failed: ${next.value.kind}`);
        break;
      }
      if (next.value.length === 0) continue;
      yield `${first ? '' : ','}${JSON.stringify(next.value).slice(1, -1)}`;
      first = false;
    }
  } finally {
    await pages.return(null);
  }
  yield `],${JSON.stringify(rest).slice(1)}`;
}

/** GET /api/runs/{run_id}/bundle's body: the bundle streamed (see bundleText). */
export const bundleStream = (bundle: RunBundleExport['bundle'], pages: EventPages): Readable =>
  Readable.from(bundleText(bundle, pages));
