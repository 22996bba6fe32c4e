import { canonicalJson } from '../json/canonical-json.js';
import type { JsonObject } from '../json/json-value.js';
import type { VerifiableEvent } from '../proof/run-verification.js';
import { runStreamId } from '../stream-names.js';
import type { BundleEvent } from './proof-bundle.js';

/** A bundle's event as the chain verifier reads it: the data hashed as JCS, or first as the text
 * the document wrote for it (`dataWritten`, see writtenDataText), JCS then computed only when that
 * text does not give the stored link. */
export const verifiableEvent = (
  tenantId: string,
  runId: string,
  e: BundleEvent,
  dataWritten?: string,
): VerifiableEvent => ({
  stream_id: runStreamId(runId),
  tenant_id: tenantId,
  seq: e.seq,
  type: e.type,
  get dataCanonical() {
    return canonicalJson(e.data as JsonObject);
  },
  recorded_at: e.recorded_at,
  link: e.link,
  dataWritten,
});
