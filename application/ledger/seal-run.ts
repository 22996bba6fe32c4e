import { runStreamId, ledgerStreamId } from '../../domain/stream-names.js';
import * as E from 'fp-ts/lib/Either.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { EventStore, EventStoreError } from '../../domain/ports/event-store.js';
import type { Signer } from '../../domain/ports/signing-keys.js';
import { createChainVerifier } from '../../domain/proof/chain-verifier.js';
import { canonicalJson } from '../../domain/json/canonical-json.js';
import { RUN_SEALED, checkpointBytes, type RunCheckpoint } from '../../domain/ledger/run-checkpoint.js';
import { sealOfRunIn, type LedgerEntry } from '../../domain/ledger/tenant-ledger.js';
import { sealingKeyProblem, type SealingKeyNotInKeySet } from '../../domain/ledger/sealing-key.js';

export type SealingError =
  | { readonly kind: 'store'; readonly error: EventStoreError }
  | { readonly kind: 'run_not_found'; readonly run_id: string }
  | { readonly kind: 'run_not_completed'; readonly run_id: string }
  | { readonly kind: 'chain_invalid'; readonly run_id: string; readonly reason: string }
  | { readonly kind: 'ledger_contended'; readonly attempts: number }
  | SealingKeyNotInKeySet;

const MAX_ATTEMPTS = 60;
/** Full-jitter exponential backoff between attempts, capped: concurrent sealers of one tenant
 * spread out instead of colliding again in lockstep. */
const backoffMs = (attempt: number, random: () => number): number =>
  Math.floor(random() * Math.min(200, 2 ** attempt));

/** Seals a completed run: re-verifies its chain from the stored events, signs the RUNPROOF
 * checkpoint and appends it to the tenant's ledger at the ledger's current length (the expected
 * version makes leaf indices gap-free; a concurrent sealer makes us re-read and retry). The caller
 * seals a run once, when it completes it; verifiers take a run's first seal. */
const SEAL_READ_PAGE = 2000;

/** The first seal of `runId` among the ledger events from `from` on, read a page at a time. */
const sealOf = async (
  store: EventStore,
  tenantId: string,
  runId: string,
  from: number,
): Promise<E.Either<SealingError, LedgerEntry | null>> => {
  for (let next = from; ;) {
    const read = await store.readStreamFrom(tenantId, ledgerStreamId(tenantId), next, SEAL_READ_PAGE)();
    if (read._tag === 'Left') return E.left({ kind: 'store', error: read.left });
    for (const event of read.right) {
      const seal = sealOfRunIn(event, runId);
      if (seal) return E.right(seal);
    }
    if (read.right.length < SEAL_READ_PAGE) return E.right(null);
    next += SEAL_READ_PAGE;
  }
};

export const sealRun = async (
  deps: {
    readonly store: EventStore;
    readonly signer: Signer;
    readonly clock: Clock;
    readonly random?: () => number;
    /** The operator's public keys: when given, a signer they do not hold appends nothing. */
    readonly keySet?: ReadonlyMap<string, Uint8Array>;
  },
  tenantId: string,
  runId: string,
): Promise<E.Either<SealingError, LedgerEntry>> => {
  const unknownKey = deps.keySet ? sealingKeyProblem(deps.signer, deps.keySet) : null;
  if (unknownKey) return E.left(unknownKey);
  // The run's chain, rebuilt a page at a time: sealing a run of a million steps holds one page.
  const chain = createChainVerifier(tenantId, runId, runStreamId(runId));
  let lastType: string | null = null;
  for (let from = 0; ;) {
    const page = await deps.store.readStreamFrom(tenantId, runStreamId(runId), from, SEAL_READ_PAGE)();
    if (page._tag === 'Left') return E.left({ kind: 'store', error: page.left });
    for (const event of page.right) {
      chain.push(event);
      lastType = event.type;
    }
    if (page.right.length < SEAL_READ_PAGE) break;
    from += SEAL_READ_PAGE;
  }
  if (lastType === null) return E.left({ kind: 'run_not_found', run_id: runId });
  if (lastType !== 'RunCompleted') return E.left({ kind: 'run_not_completed', run_id: runId });
  const integrity = chain.integrity();
  if (
    integrity.verification_status !== 'VERIFIED' ||
    integrity.root_hash === null ||
    integrity.merkle_root === null
  ) {
    return E.left({
      kind: 'chain_invalid',
      run_id: runId,
      reason: integrity.failure_reason ?? 'chain does not verify',
    });
  }
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    // Only the ledger's length is needed, not its seals: sealing costs the same for the first run
    // and the millionth.
    const version = await deps.store.streamVersion(tenantId, ledgerStreamId(tenantId))();
    if (version._tag === 'Left') return E.left({ kind: 'store', error: version.left });
    const checkpoint: RunCheckpoint = {
      v: 1,
      kind: 'aos.runproof.checkpoint',
      tenant_id: tenantId,
      run_id: runId,
      chain_length: integrity.chain_length,
      root_hash: integrity.root_hash,
      merkle_root: integrity.merkle_root,
      sealed_at: deps.clock.now(),
      key_id: deps.signer.keyId,
    };
    const signature = Buffer.from(deps.signer.sign(checkpointBytes(checkpoint))).toString('base64');
    const data = { checkpoint, signature };
    const appended = await deps.store.appendToStream(tenantId, ledgerStreamId(tenantId), version.right, [
      {
        type: RUN_SEALED,
        data,
        dataCanonical: canonicalJson(data),
        recorded_at: checkpoint.sealed_at,
        link: null,
      },
    ])();
    if (appended._tag === 'Right') return E.right({ index: version.right, checkpoint, signature });
    if (appended.left.kind !== 'version_conflict') return E.left({ kind: 'store', error: appended.left });
    // Another writer appended first: if it sealed this very run (a resume racing the original
    // process, two calls with one idempotency key), that seal stands and no second one is added.
    // A refusal that did not move the ledger is the store's one-seal-per-run rule (Postgres,
    // migration 0005): this run's seal is further back, found by reading the ledger from its start.
    const from = appended.left.actual > version.right ? version.right : 0;
    const sealedMeanwhile = await sealOf(deps.store, tenantId, runId, from);
    if (sealedMeanwhile._tag === 'Left') return sealedMeanwhile;
    if (sealedMeanwhile.right) return E.right(sealedMeanwhile.right);
    await deps.clock.sleep(backoffMs(attempt, deps.random ?? Math.random));
  }
  return E.left({ kind: 'ledger_contended', attempts: MAX_ATTEMPTS });
};
