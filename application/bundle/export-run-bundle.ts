import * as E from 'fp-ts/lib/Either.js';
import type { ProofBundle } from '../../domain/bundle/proof-bundle.js';
import type { LedgerEntry } from '../../domain/ledger/tenant-ledger.js';
import type { EventStoreError } from '../../domain/ports/event-store.js';
import { cosignedNote } from '../ledger/head-cosignatures.js';
import { readTenantLedger, type LedgerReadError } from '../ledger/read-tenant-ledger.js';
import type { RunKeys } from '../ports/run-keys.js';
import { proveCaughtUp, type CatchUpWarning } from '../projections/catch-up.js';
import type { RunProof } from '../proof/run-proof.js';
import { runEvents } from '../runs/run-events.js';
import type { Services } from '../services.js';
import { buildBundle, bundleEvent } from './bundle-export.js';

export type BundleEvent = ReturnType<typeof bundleEvent>;

/** A run's bundle ready to print: the proof's verdict, the bundle's fields, and its events to
 * stream (the read holds what it reads with until it ends or is returned). */
export type RunBundleExport = {
  readonly proof: RunProof;
  readonly bundle: Omit<ProofBundle, 'events'>;
  /** The events the verdict was made on, one at a time; returns the error that stopped the read. */
  readonly events: () => AsyncGenerator<BundleEvent, EventStoreError | null>;
};

export type ExportError =
  LedgerReadError | { readonly kind: 'run_not_found'; readonly run_id: string; readonly tenant_id: string };

/** The events the verdict was made on: a run still being written gets no event added since. */
async function* eventsUpTo(
  services: Pick<Services, 'store'>,
  tenantId: string,
  runId: string,
  chainLength: number,
): AsyncGenerator<BundleEvent, EventStoreError | null> {
  const source = runEvents(services.store, tenantId, runId);
  try {
    let left = chainLength;
    for (let next = await source.next(); left > 0; next = await source.next(), left--) {
      if (next.done) return next.value;
      yield bundleEvent(next.value);
    }
    return null;
  } finally {
    await source.return(null);
  }
}

/** The bundle's members but its events, for a verdict on the run (`proof`): with a seal, the
 * tenant ledger's inclusion proof and a tree head signed now with the active key, with the
 * cosignatures witnesses gave that head, and the seal's RFC 3161 time stamp token when it has one. */
export const sealedBundle = async (
  services: Pick<Services, 'store' | 'ledgerHeads' | 'sealTimestamps'>,
  keys: RunKeys,
  proof: Pick<RunProof, 'tenant_id' | 'run_id' | 'integrity' | 'sealed'>,
  exportedAt: string,
): Promise<E.Either<ExportError, RunBundleExport['bundle']>> => {
  const tenantId = proof.tenant_id;
  const ledger: E.Either<LedgerReadError, LedgerEntry[]> = proof.sealed
    ? await readTenantLedger(services.store, tenantId)
    : E.right([]);
  if (E.isLeft(ledger)) return ledger;
  const bundle = buildBundle(proof, ledger.right, keys, exportedAt);
  const head = bundle.ledger;
  const treeHead =
    head === null
      ? E.right(null)
      : await cosignedNote(
          services.ledgerHeads,
          { tenant_id: tenantId, tree_size: head.tree_size, root_hash: head.root_hash },
          head.tree_head,
        );
  if (E.isLeft(treeHead)) return E.left({ kind: 'store', error: treeHead.left });
  const stamp =
    proof.sealed === null
      ? E.right(null)
      : await services.sealTimestamps.find(tenantId, proof.sealed.ledger_index)();
  if (E.isLeft(stamp)) return E.left({ kind: 'store', error: stamp.left });
  return E.right({
    ...(head === null || treeHead.right === null
      ? bundle
      : { ...bundle, ledger: { ...head, tree_head: treeHead.right } }),
    ...(stamp.right === null ? {} : { seal_timestamp: { token: stamp.right.token } }),
  });
};

/** `aos export`: the run proved, and its offline bundle (aos.runproof.bundle.v1), the tree head in
 * it signed now with the active key, with the cosignatures witnesses gave that head, and the
 * seal's RFC 3161 time stamp token when it has one. A run this tenant's ledger sealed whose events are gone is
 * exported as the FAILED verdict it is (its seal, no events), not reported missing. */
export const exportRunBundle = async (
  services: Pick<Services, 'store' | 'readModel' | 'ledgerHeads' | 'sealTimestamps'>,
  keys: RunKeys,
  tenantId: string,
  runId: string,
  exportedAt: string,
  warn?: CatchUpWarning,
): Promise<E.Either<ExportError, RunBundleExport>> => {
  const proved = await proveCaughtUp(services, tenantId, runId, keys.knownKeys, warn);
  if (E.isLeft(proved)) return E.left({ kind: 'store', error: proved.left });
  const proof = proved.right;
  if (!proof.found && proof.integrity.verification_status !== 'FAILED')
    return E.left({ kind: 'run_not_found', run_id: runId, tenant_id: tenantId });
  const bundle = await sealedBundle(services, keys, proof, exportedAt);
  if (E.isLeft(bundle)) return bundle;
  return E.right({
    proof,
    bundle: bundle.right,
    events: () => eventsUpTo(services, tenantId, runId, proof.integrity.chain_length),
  });
};
