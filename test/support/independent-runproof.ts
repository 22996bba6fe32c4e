import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** docs/RUNPROOF-FORMAT.md's HASH_CHAIN written again from the spec text alone, sharing no code with domain/,
 * so a test can check the product's root against a second implementation. */
type ExportedEvent = {
  tenant_id: string;
  run_id: string;
  seq: number;
  type: string;
  data: unknown;
  recorded_at: string;
};

const sha256 = (...parts: Buffer[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const jcs = (value: unknown): Buffer => Buffer.from(canonicalize(value) ?? '', 'utf8');

export const independentRootHash = (
  tenantId: string,
  runId: string,
  events: readonly ExportedEvent[],
): string => {
  let link = sha256(
    Buffer.from('aos.runproof.v1.genesis', 'utf8'),
    Buffer.from([0]),
    jcs({ run_id: runId, tenant_id: tenantId }),
  );
  for (const e of events) {
    const leaf = sha256(
      Buffer.from([0]),
      jcs({
        v: 1,
        tenant_id: tenantId,
        run_id: runId,
        seq: e.seq,
        type: e.type,
        data: e.data,
        recorded_at: e.recorded_at,
      }),
    );
    link = sha256(Buffer.from([1]), link, leaf);
  }
  return link.toString('hex');
};
