import * as E from 'fp-ts/lib/Either.js';
import type { ProofBundle } from '../../domain/bundle/proof-bundle.js';
import { checkSeal } from '../../domain/ledger/seal-verification.js';
import type { EventStoreError, StoredEventText } from '../../domain/ports/event-store.js';
import { createChainVerifier } from '../../domain/proof/chain-verifier.js';
import { notFoundIntegrity, type RunIntegrity } from '../../domain/proof/run-verification.js';
import { runStreamId } from '../../domain/stream-names.js';
import type { RunKeys } from '../ports/run-keys.js';
import { failedWith } from '../proof/run-proof.js';
import { findRunSeal, readLedgerIndex } from '../proof/run-seal-lookup.js';
import type { Services } from '../services.js';
import { bundleIntegrity } from './bundle-export.js';
import { sealedBundle } from './export-run-bundle.js';

/** Events per read: each read is one short query, no connection is held while the reader (a
 * browser on a slow link) takes the text. */
const EVENTS_PER_PAGE = 2_000;

type Head = Pick<ProofBundle, 'format' | 'tenant_id' | 'run_id'>;
type Tail = Omit<ProofBundle, 'events' | keyof Head>;

/** A run's bundle to stream: its first members, its events a page at a time (as stored, the text
 * of each event's data the stored canonical bytes), and the members after the events, whose
 * `integrity` is known once the last page has been read. */
export type StreamedRunBundle = {
  readonly head: Head;
  /** The run's events, read and checked a page at a time; returns the error that stopped the read. */
  readonly pages: AsyncGenerator<readonly StoredEventText[], EventStoreError | null>;
  /** The members after `events`: call once `pages` is done. */
  readonly tail: () => Tail;
};

/** Why there is no streamed bundle: the store failed, or the run is one `aos export`'s whole proof
 * answers (no events, or a damaged tenant ledger): its bundle is that one. */
export type StreamedBundleRefusal =
  { readonly kind: 'store'; readonly error: EventStoreError } | { readonly kind: 'needs_proof' };

type FoundSeal = Parameters<typeof checkSeal>[3];

/** The run's events from `firstPage` on, a page at a time, each pushed through the chain verifier
 * as it goes; once read, their integrity: the chain's, and the seal checked against it. */
const checkedEvents = (
  store: Services['store'],
  tenantId: string,
  runId: string,
  firstPage: readonly StoredEventText[],
  sealed: FoundSeal,
  knownKeys: RunKeys['knownKeys'],
) => {
  const streamId = runStreamId(runId);
  const chain = createChainVerifier(tenantId, runId, streamId);
  let lastType: string | null = null;
  const readAfter = (page: readonly StoredEventText[]) => {
    const last = page[page.length - 1];
    return page.length < EVENTS_PER_PAGE || last === undefined
      ? null
      : store.readStreamTextFrom(tenantId, streamId, last.seq + 1, EVENTS_PER_PAGE)();
  };
  // The next page is read while this one is checked and written out.
  async function* pages(): AsyncGenerator<readonly StoredEventText[], EventStoreError | null> {
    for (let page = firstPage; ;) {
      const next = readAfter(page);
      for (const event of page) chain.push(event);
      lastType = page[page.length - 1]?.type ?? lastType;
      yield page;
      if (next === null) return null;
      const read = await next;
      if (E.isLeft(read)) return read.left;
      if (read.right.length === 0) return null;
      page = read.right;
    }
  }
  const verdict = (): RunIntegrity => {
    const integrity = chain.integrity();
    if (integrity.verification_status !== 'VERIFIED') return integrity;
    const recomputed = {
      chain_length: integrity.chain_length,
      root_hash: integrity.root_hash ?? '',
      merkle_root: integrity.merkle_root ?? '',
      completed: lastType === 'RunCompleted',
    };
    const check = checkSeal(tenantId, runId, recomputed, sealed, knownKeys);
    return check.failure ? failedWith(integrity, check.failure) : integrity;
  };
  return { pages: pages(), integrity: verdict };
};

/**
 * GET /api/runs/{run_id}/bundle's bundle: `aos export`'s document (aos.runproof.bundle.v1, its
 * seal, the ledger's inclusion proof, a tree head signed now), whose first byte does not wait for a
 * whole proof of the run. The events go out as they are read, each through the domain's chain
 * verifier on the way, and `integrity` (written after them) is what that gave: docs/RUNPROOF-FORMAT.md
 * steps 2 and 3 over these very events, then step 5 (the seal against that chain). It does not
 * compare the projections with the events as `aos proof` does: the bundle holds the events, not
 * the rows, and the page verifies the events itself.
 */
export const streamedRunBundle = async (
  services: Pick<Services, 'store' | 'readModel' | 'ledgerHeads' | 'sealTimestamps'>,
  keys: RunKeys,
  tenantId: string,
  runId: string,
  exportedAt: string,
): Promise<E.Either<StreamedBundleRefusal, StreamedRunBundle>> => {
  const { store } = services;
  const streamId = runStreamId(runId);
  const first = await store.readStreamTextFrom(tenantId, streamId, 0, EVENTS_PER_PAGE)();
  if (E.isLeft(first)) return E.left({ kind: 'store', error: first.left });
  const firstPage = first.right;
  if (firstPage.length === 0) return E.left({ kind: 'needs_proof' });
  const reads = services.readModel.proofReads;
  const lookup = await findRunSeal(
    reads,
    store,
    tenantId,
    runId,
    () => readLedgerIndex(store, tenantId),
    false,
  );
  if (E.isLeft(lookup)) return E.left({ kind: 'store', error: lookup.left });
  if (E.isLeft(lookup.right)) return E.left({ kind: 'needs_proof' });
  const seal = lookup.right.right;
  const sealed = seal
    ? { checkpoint: seal.checkpoint, signature: seal.signature, ledger_index: seal.index }
    : null;
  const members = await sealedBundle(
    services,
    keys,
    { tenant_id: tenantId, run_id: runId, integrity: notFoundIntegrity, sealed },
    exportedAt,
  );
  if (E.isLeft(members))
    return E.left(members.left.kind === 'store' ? members.left : { kind: 'needs_proof' });
  const { format, tenant_id, run_id, ...rest } = members.right;
  const checked = checkedEvents(store, tenantId, runId, firstPage, sealed, keys.knownKeys);
  return E.right({
    head: { format, tenant_id, run_id },
    pages: checked.pages,
    tail: () => ({ ...rest, integrity: bundleIntegrity(checked.integrity()) }),
  });
};
