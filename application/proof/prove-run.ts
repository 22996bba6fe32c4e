import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { EventStore, EventStoreError } from '../../domain/ports/event-store.js';
import { notFoundIntegrity, type RunIntegrity } from '../../domain/proof/run-verification.js';
import { checkSeal, foundSealReport, type SealReport } from '../../domain/ledger/seal-verification.js';
import type { LedgerDecodeError, LedgerEntry } from '../../domain/ledger/tenant-ledger.js';
import type { ProofReads } from '../ports/read-model.js';
import { readModelRead } from './read-model-read.js';
import { readRun, type Replayed } from './run-replay.js';
import { failedWith, type RunProof } from './run-proof.js';
import { findRunSeal, readLedgerIndex, type LedgerIndexRead } from './run-seal-lookup.js';
import { compareTraceRows } from './step-rows-comparison.js';

/** Where a proof reads: the events from the event store, the rest from the read model. */
export type ProofSources = { readonly store: EventStore; readonly reads: ProofReads };

const noSeal: SealReport = { status: 'not_completed', key_id: null, ledger_index: null, sealed_at: null };

const sealedReport = (seal: LedgerEntry): Pick<RunProof, 'seal' | 'sealed'> => ({
  seal: foundSealReport(seal.checkpoint, seal.index),
  sealed: { checkpoint: seal.checkpoint, signature: seal.signature, ledger_index: seal.index },
});

/** Events are read by tenant: one of another tenant after the run's last event would not be seen
 * (one in the middle is a gap in seq). */
const withForeignEventCheck = async (
  { reads }: ProofSources,
  tenantId: string,
  runId: string,
  chain: RunIntegrity,
): Promise<E.Either<EventStoreError, RunIntegrity>> => {
  if (chain.verification_status !== 'VERIFIED' || chain.chain_length === 0) return E.right(chain);
  const foreign = await readModelRead(reads, () =>
    reads.foreignEventAfter(tenantId, runId, chain.chain_length),
  );
  return pipe(
    foreign,
    E.map((found) =>
      found
        ? failedWith(chain, {
            reason: "the run's stream holds events of another tenant after its last event",
            divergence: {
              source: 'event_store',
              seq: chain.chain_length,
              field: 'tenant_id',
              expected: tenantId,
              actual: 'another tenant',
            },
          })
        : chain,
    ),
  );
};

/** No events: a run that never existed in this tenant, unless the tenant's ledger sealed it. */
const proofOfRunWithoutEvents = (
  base: Pick<RunProof, 'run_id' | 'tenant_id' | 'aos_traces' | 'step_count' | 'observation'>,
  ledger: LedgerIndexRead,
): RunProof => {
  const seal = E.isRight(ledger) ? ledger.right.get(base.run_id) : undefined;
  if (seal === undefined)
    return {
      ...base,
      aos_traces: [],
      step_count: 0,
      found: false,
      integrity: notFoundIntegrity,
      seal: noSeal,
      sealed: null,
    };
  return {
    ...base,
    found: false,
    ...sealedReport(seal),
    integrity: failedWith(
      { ...notFoundIntegrity, failure_reason: null },
      {
        reason: `the tenant ledger holds a seal for this run (index ${seal.index}) but the event store has none of its events`,
        divergence: {
          source: 'checkpoint',
          seq: null,
          field: 'chain_length',
          expected: seal.checkpoint.chain_length,
          actual: 0,
        },
      },
    ),
  };
};

const damagedLedger = (damage: LedgerDecodeError) => ({
  reason: `the tenant ledger is damaged at index ${damage.seq}: ${damage.message}`,
  divergence: {
    source: 'checkpoint' as const,
    seq: null,
    field: `ledger[${damage.seq}]`,
    expected: 'a valid seal',
    actual: damage.message,
  },
});

/** A run whose chain holds: its seal checked against the chain, then its projections compared. The
 * seal comes first: when history was rewritten after sealing, the seal names the cause, and any
 * projection mismatch follows from it. */
const proofOfChain = (
  found: Omit<RunProof, 'integrity' | 'seal' | 'sealed'>,
  integrity: RunIntegrity,
  replayed: Replayed,
  seal: LedgerEntry | undefined,
  knownKeys: ReadonlyMap<string, Uint8Array>,
): RunProof => {
  const sealCheck = checkSeal(
    found.tenant_id,
    found.run_id,
    {
      chain_length: integrity.chain_length,
      root_hash: integrity.root_hash ?? '',
      merkle_root: integrity.merkle_root ?? '',
      completed: replayed.completed,
    },
    seal ? { checkpoint: seal.checkpoint, signature: seal.signature, ledger_index: seal.index } : null,
    knownKeys,
  );
  const sealed = { ...found, seal: sealCheck.seal, sealed: seal ? sealedReport(seal).sealed : null };
  if (sealCheck.failure) return { ...sealed, integrity: failedWith(integrity, sealCheck.failure) };
  if (replayed.undecodable) return { ...sealed, integrity: failedWith(integrity, replayed.undecodable) };
  const traceCheck = compareTraceRows(replayed.trace, found.aos_traces);
  const mismatch = traceCheck.count ?? replayed.stepFailure ?? traceCheck.columns;
  return mismatch ? { ...sealed, integrity: failedWith(integrity, mismatch) } : { ...sealed, integrity };
};

/**
 * Verification by replay (docs/RUNPROOF-FORMAT.md), streaming: the run's events read by tenant a
 * page at a time, the chain rebuilt from the stored bytes, the seal checked against that chain,
 * and the projections compared with what replay derives, row by row. Memory stays bounded
 * whatever the run length. `knownKeys` maps key_id to raw Ed25519 public keys.
 */
export const proveRun = async (
  sources: ProofSources,
  tenantId: string,
  runId: string,
  knownKeys: ReadonlyMap<string, Uint8Array>,
  /** The tenant's ledger already read (a sweep reads it once per tenant); read here when absent. */
  preloadedLedger?: LedgerIndexRead,
): Promise<E.Either<EventStoreError, RunProof>> => {
  const { store, reads } = sources;
  const readLedger = async (): Promise<E.Either<EventStoreError, LedgerIndexRead>> =>
    preloadedLedger !== undefined ? E.right(preloadedLedger) : readLedgerIndex(store, tenantId);
  const turn = await readModelRead(reads, () => reads.inTurn(() => readRun(reads, store, tenantId, runId)));
  const read = E.flatten(turn);
  if (E.isLeft(read)) return read;
  const { replayed, traces, stepCount } = read.right;
  if (E.isLeft(replayed)) return replayed;
  const integrity = await withForeignEventCheck(sources, tenantId, runId, replayed.right.integrity);
  if (E.isLeft(integrity)) return integrity;
  const base = {
    run_id: runId,
    tenant_id: tenantId,
    aos_traces: traces,
    step_count: stepCount,
    observation: replayed.right.observation,
  };
  if (integrity.right.chain_length === 0)
    return pipe(
      await readLedger(),
      E.map((ledger) => proofOfRunWithoutEvents(base, ledger)),
    );
  const found = { ...base, found: true };
  const sealLookup = await findRunSeal(
    reads,
    store,
    tenantId,
    runId,
    readLedger,
    preloadedLedger !== undefined,
  );
  if (E.isLeft(sealLookup)) return sealLookup;
  const ledger = sealLookup.right;
  if (integrity.right.verification_status !== 'VERIFIED') {
    // The chain's divergence is the verdict; a seal of the run is still named (what was sealed is
    // what an auditor compares the altered history with, and resume must not run it again).
    const seal = pipe(
      ledger,
      E.getOrElseW(() => undefined),
    );
    return E.right({
      ...found,
      integrity: integrity.right,
      ...(seal === undefined ? { seal: noSeal, sealed: null } : sealedReport(seal)),
    });
  }
  if (E.isLeft(ledger))
    return E.right({
      ...found,
      seal: noSeal,
      sealed: null,
      integrity: failedWith(integrity.right, damagedLedger(ledger.left)),
    });
  return E.right(proofOfChain(found, integrity.right, replayed.right, ledger.right, knownKeys));
};
