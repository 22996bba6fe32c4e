import { genesisLink, nextLink } from './hash-chain.js';
import { leafHash } from './leaf.js';
import { createMerkleAccumulator } from './merkle-accumulator.js';
import type { Divergence, RunIntegrity, VerifiableEvent } from './run-verification.js';
import { toHex, type Hash } from './sha256.js';

/** docs/RUNPROOF-FORMAT.md steps 2 and 3 one event at a time, in constant memory: contiguous seq, one tenant
 * and run, RunCreated first, every stored link equal to the one recomputed from the stored bytes.
 * After the first divergence it only counts events. */
export type ChainVerifier = {
  /** Checks the next event; false once the chain has diverged (at this event or before). */
  readonly push: (event: VerifiableEvent) => boolean;
  readonly integrity: () => RunIntegrity;
};

// eslint-disable-next-line max-lines-per-function -- the chain's running state (link, Merkle frontier, first divergence) shared by push and integrity; the per-event path stays in one closure for speed
export const createChainVerifier = (tenantId: string, runId: string, streamId: string): ChainVerifier => {
  let link = genesisLink(tenantId, runId);
  const merkle = createMerkleAccumulator();
  let count = 0;
  let failure: { reason: string; divergence: Divergence } | null = null;
  const fail = (
    reason: string,
    field: string,
    seq: number,
    expected: string | number | null,
    actual: string | number | null,
  ): false => {
    failure = { reason, divergence: { source: 'event_store', seq, field, expected, actual } };
    return false;
  };
  const check = (e: VerifiableEvent, i: number): boolean => {
    if (e.seq !== i) return fail('events out of order or a gap in seq', 'seq', i, i, e.seq);
    if (e.tenant_id !== tenantId)
      return fail('event of another tenant in the stream', 'tenant_id', i, tenantId, e.tenant_id);
    if (e.stream_id !== streamId)
      return fail('event of another run in the stream', 'stream_id', i, streamId, e.stream_id);
    if (i === 0 && e.type !== 'RunCreated')
      return fail('the first event is not RunCreated', 'type', 0, 'RunCreated', e.type);
    const leafOf = (dataCanonical: string): Hash =>
      leafHash({
        tenant_id: tenantId,
        run_id: runId,
        seq: i,
        type: e.type,
        dataCanonical,
        recorded_at: e.recorded_at,
      });
    let leaf = leafOf(e.dataWritten ?? e.dataCanonical);
    let next = nextLink(link, leaf);
    let hex = toHex(next);
    // The document's text of the data gave another link: JCS of its value decides, as without it.
    if (e.dataWritten !== undefined && hex !== e.link) {
      leaf = leafOf(e.dataCanonical);
      next = nextLink(link, leaf);
      hex = toHex(next);
    }
    link = next;
    merkle.push(leaf);
    if (e.link !== hex)
      return fail(
        'stored link differs from the link recomputed from the stored event',
        'link',
        i,
        hex,
        e.link,
      );
    return true;
  };
  return {
    push: (event) => {
      const i = count;
      count += 1;
      return failure === null && check(event, i);
    },
    integrity: () => {
      const base = {
        model: 'HASH_CHAIN' as const,
        chain_length: count,
        root_hash: toHex(link),
        merkle_root: toHex(merkle.root()),
      };
      const found = failure as { reason: string; divergence: Divergence } | null;
      return found === null
        ? { ...base, verification_status: 'VERIFIED', failure_reason: null, divergence: null }
        : {
            ...base,
            verification_status: 'FAILED',
            failure_reason: found.reason,
            divergence: found.divergence,
          };
    },
  };
};

/** Steps 2 and 3 of docs/RUNPROOF-FORMAT.md over events in memory (see createChainVerifier). */
export const verifyEventChain = (
  tenantId: string,
  runId: string,
  streamId: string,
  events: readonly VerifiableEvent[],
): { readonly integrity: RunIntegrity } => {
  const verifier = createChainVerifier(tenantId, runId, streamId);
  for (const event of events) verifier.push(event);
  return { integrity: verifier.integrity() };
};
