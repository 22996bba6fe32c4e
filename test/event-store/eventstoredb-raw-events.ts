import { canonicalJson } from '../../domain/json/canonical-json.js';
import {
  encodeMetadata,
  payloadBytes,
  type RawEvent,
} from '../../adapters/eventstoredb/eventstoredb-mapping.js';

/** An event as the EventStoreDB adapter is given it to append, and as the client hands it back
 * (`raw`), for the tests of the adapter that need no server. */
export const newEvent = {
  type: 'RunCreated',
  dataCanonical: canonicalJson({ a: 'é', n: 1e21 }),
  recorded_at: '2026-02-09T12:00:00.000Z',
  link: 'ab'.repeat(32),
};
export const metadataAsRead = (tenantId: string, link: string | null = newEvent.link): unknown =>
  JSON.parse(new TextDecoder().decode(encodeMetadata(tenantId, { ...newEvent, link })));
export const raw = (overrides: Partial<RawEvent> = {}): RawEvent => ({
  streamName: 'ci.aos-run-1',
  id: '00000000-0000-8000-8000-000000000000',
  revision: 4n,
  type: 'RunCreated',
  data: payloadBytes(newEvent),
  metadata: metadataAsRead('tenant-a'),
  position: { commit: 1200n, prepare: 1100n },
  ...overrides,
});
