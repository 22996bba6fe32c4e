import * as E from 'fp-ts/lib/Either.js';
import type { LateSeal } from '../../domain/ledger/late-seal.js';
import { runSealedEvent, signedSeal, type SealedChain } from '../../domain/ledger/run-seal.js';
import { sealingKeyProblem, type SealingKeyNotInKeySet } from '../../domain/ledger/sealing-key.js';
import { decodeLedger, type LedgerDecodeError, type LedgerEntry } from '../../domain/ledger/tenant-ledger.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { EventStore, EventStoreError, GlobalPosition } from '../../domain/ports/event-store.js';
import type { Signer } from '../../domain/ports/signing-keys.js';
import { createChainVerifier } from '../../domain/proof/chain-verifier.js';
import { ledgerStreamId, runStreamId } from '../../domain/stream-names.js';
import { ledgerBackoffMs, MAX_LEDGER_ATTEMPTS } from './ledger-contention.js';

export type LateSealDeps = {
  readonly store: EventStore;
  readonly signer: Signer;
  readonly clock: Clock;
  readonly random?: () => number;
  /** The operator's public keys: when given, a signer they do not hold seals nothing. */
  readonly keySet?: ReadonlyMap<string, Uint8Array>;
};

export type LateSealRequest = { readonly tenantId: string; readonly runId: string; readonly late: LateSeal };

export type LateSealError =
  | { readonly kind: 'store'; readonly error: EventStoreError }
  | { readonly kind: 'run_not_found'; readonly run_id: string }
  | { readonly kind: 'run_not_completed'; readonly run_id: string }
  | { readonly kind: 'chain_invalid'; readonly run_id: string; readonly reason: string }
  | {
      readonly kind: 'already_sealed';
      readonly run_id: string;
      readonly ledger_index: number;
      readonly sealed_at: string;
    }
  | { readonly kind: 'ledger_damaged'; readonly tenant_id: string; readonly damage: LedgerDecodeError }
  | { readonly kind: 'ledger_contended'; readonly attempts: number }
  | SealingKeyNotInKeySet;

const PAGE = 2000;

/** The run's chain rebuilt from its stored events a page at a time (bounded memory whatever its
 * length), refusing a run that is missing, not completed, or whose chain does not hold. */
const storedChainOf = async (
  store: EventStore,
  tenantId: string,
  runId: string,
): Promise<E.Either<LateSealError, SealedChain>> => {
  const chain = createChainVerifier(tenantId, runId, runStreamId(runId));
  let lastType: string | null = null;
  for (let from = 0; ; from += PAGE) {
    const page = await store.readStreamFrom(tenantId, runStreamId(runId), from, PAGE)();
    if (E.isLeft(page)) return E.left({ kind: 'store', error: page.left });
    for (const event of page.right) {
      chain.push(event);
      lastType = event.type;
    }
    if (page.right.length < PAGE) break;
  }
  if (lastType === null) return E.left({ kind: 'run_not_found', run_id: runId });
  if (lastType !== 'RunCompleted') return E.left({ kind: 'run_not_completed', run_id: runId });
  const integrity = chain.integrity();
  if (
    integrity.verification_status !== 'VERIFIED' ||
    integrity.root_hash === null ||
    integrity.merkle_root === null
  )
    return E.left({
      kind: 'chain_invalid',
      run_id: runId,
      reason: integrity.failure_reason ?? 'the chain does not verify',
    });
  return E.right({
    tenant_id: tenantId,
    run_id: runId,
    chain_length: integrity.chain_length,
    root_hash: integrity.root_hash,
    merkle_root: integrity.merkle_root,
  });
};

/** The tenant ledger from `from` on, a page at a time: refused when damaged or when it holds a seal
 * of the run; else its length. */
const ledgerLengthWithoutSeal = async (
  store: EventStore,
  tenantId: string,
  runId: string,
  from: number,
): Promise<E.Either<LateSealError, number>> => {
  for (let next = from; ; next += PAGE) {
    const page = await store.readStreamFrom(tenantId, ledgerStreamId(tenantId), next, PAGE)();
    if (E.isLeft(page)) return E.left({ kind: 'store', error: page.left });
    const seals = decodeLedger(page.right, next);
    if (E.isLeft(seals)) return E.left({ kind: 'ledger_damaged', tenant_id: tenantId, damage: seals.left });
    const sealed = seals.right.find((seal) => seal.checkpoint.run_id === runId);
    if (sealed)
      return E.left({
        kind: 'already_sealed',
        run_id: runId,
        ledger_index: sealed.index,
        sealed_at: sealed.checkpoint.sealed_at,
      });
    if (page.right.length < PAGE) return E.right(next + page.right.length);
  }
};

/**
 * `aos-int runs seal-late`: seals a completed run that has no seal, one written before runs were
 * sealed with their completion (docs/RUNPROOF-FORMAT.md section 6). The checkpoint says it was
 * sealed late, by whom and why (`late`), and when (`sealed_at`), under the signature. It signs the
 * chain rebuilt from the stored events: the operator vouches for the history as it is stored now.
 * Refuses a run that is missing, not completed, whose chain does not hold, or that the tenant
 * ledger already sealed (also when a seal of it lands while this one is made), and a damaged
 * ledger. Returns the seal and the position of its ledger event.
 */
export const sealRunLate = async (
  deps: LateSealDeps,
  { tenantId, runId, late }: LateSealRequest,
): Promise<E.Either<LateSealError, { readonly seal: LedgerEntry; readonly position: GlobalPosition }>> => {
  const unknownKey = deps.keySet ? sealingKeyProblem(deps.signer, deps.keySet) : null;
  if (unknownKey) return E.left(unknownKey);
  const chain = await storedChainOf(deps.store, tenantId, runId);
  if (E.isLeft(chain)) return chain;
  let length = await ledgerLengthWithoutSeal(deps.store, tenantId, runId, 0);
  if (E.isLeft(length)) return length;
  for (let attempt = 1; attempt <= MAX_LEDGER_ATTEMPTS; attempt++) {
    const seal = signedSeal(chain.right, deps.signer, deps.clock.now(), late);
    const at: number = length.right;
    const appended = await deps.store.appendToStream(tenantId, ledgerStreamId(tenantId), at, [
      runSealedEvent(seal),
    ])();
    if (E.isRight(appended))
      return E.right({ seal: { index: at, ...seal }, position: appended.right.lastPosition });
    const refused = appended.left;
    if (refused.kind !== 'version_conflict') return E.left({ kind: 'store', error: refused });
    // Another seal landed first: this run's (refused), or another run's (try again after it). A
    // refusal that did not move the ledger is the store's one-seal-per-run rule: look from the start.
    const moved = refused.actual !== at;
    length = await ledgerLengthWithoutSeal(
      deps.store,
      tenantId,
      runId,
      moved ? Math.min(at, refused.actual) : 0,
    );
    if (E.isLeft(length)) return length;
    if (!moved) return E.left({ kind: 'store', error: refused });
    await deps.clock.sleep(ledgerBackoffMs(attempt, deps.random ?? Math.random));
  }
  return E.left({ kind: 'ledger_contended', attempts: MAX_LEDGER_ATTEMPTS });
};
