import * as E from 'fp-ts/lib/Either.js';
import type { EventStoreError } from '../../domain/ports/event-store.js';
import type { Divergence } from '../../domain/proof/run-verification.js';
import { catchUpAllProjections, catchUpRunProjections } from '../projections/catch-up.js';
import type { OrphanedRows } from '../ports/run-catalog.js';
import type { Services } from '../services.js';
import type { RunProof } from './run-proof.js';
import { sweepRuns } from './verify-all-runs.js';

/** A run that did not verify, as verify-all reports it. */
export type FailedRun = {
  readonly tenant_id: string;
  readonly run_id: string;
  readonly reason: string | null;
  readonly divergence: Divergence | null;
};

/** `unsealed`: completed runs without a seal (each also counted as failed); `sealed_late`: verified
 * runs whose seal an operator made after their completion. */
export type VerifyAllCounts = {
  verified: number;
  failed: number;
  unsealed: number;
  sealed_late: number;
  not_found: number;
};

export type VerifyAllSummary = {
  readonly tenant_id: string | null;
  readonly runs: number;
  readonly counts: VerifyAllCounts;
  readonly failed_runs: readonly FailedRun[];
};

export type VerifyAllError =
  | { readonly kind: 'unsupported'; readonly message: string }
  | { readonly kind: 'store'; readonly error: EventStoreError };

/** What a caller is told as the sweep goes (a progress bar, a log line per failure). */
export type VerifyAllObserver = {
  readonly started?: (total: number) => void;
  readonly proved?: (counts: Readonly<VerifyAllCounts>) => void;
  readonly failed?: (failure: FailedRun) => void;
};

const orphanFailure = (orphan: OrphanedRows): FailedRun => ({
  tenant_id: orphan.tenant_id,
  run_id: orphan.run_id,
  reason: `rows in ${orphan.tables} for a run with no event in the store (made by hand, or its events deleted)`,
  divergence: {
    source: 'projection',
    seq: null,
    field: `${orphan.tables.split(', ')[0] ?? 'aos_traces'}.rows`,
    expected: 'absent',
    actual: 'present',
  },
});

/** Proves every run (of one tenant, or all) after catching the projections up, and sums up. */
export const verifyAll = async (
  services: Services,
  tenantId: string | null,
  knownKeys: ReadonlyMap<string, Uint8Array>,
  observer: VerifyAllObserver = {},
): Promise<E.Either<VerifyAllError, VerifyAllSummary>> => {
  const { catalog, store, readModel } = services;
  // The sweep lists runs from the event store's catalog; with EventStoreDB there is none.
  if (catalog === null)
    return E.left({
      kind: 'unsupported',
      message:
        'verify-all lists runs from the Postgres event store; with AOS_EVENTSTORE_URL set it is not supported yet (prove runs one by one with aos proof)',
    });
  // Runs whose process died before projecting: catch the projections up first (best effort).
  await catchUpAllProjections(services);
  observer.started?.(await catalog.countRuns(tenantId));
  const counts: VerifyAllCounts = { verified: 0, failed: 0, unsealed: 0, sealed_late: 0, not_found: 0 };
  const failures: FailedRun[] = [];
  const fail = (failure: FailedRun) => {
    counts.failed += 1;
    failures.push(failure);
    observer.failed?.(failure);
  };
  const onRun = (proof: RunProof) => {
    const status = proof.integrity.verification_status;
    if (status === 'VERIFIED') counts.verified += 1;
    else if (status === 'FAILED')
      fail({
        tenant_id: proof.tenant_id,
        run_id: proof.run_id,
        reason: proof.integrity.failure_reason,
        divergence: proof.integrity.divergence,
      });
    else counts.not_found += 1;
    if (proof.seal.status === 'unsealed') counts.unsealed += 1;
    if (status === 'VERIFIED' && proof.seal.late !== undefined) counts.sealed_late += 1;
    observer.proved?.(counts);
  };
  const swept = await sweepRuns(
    { catalog, store, reads: readModel.proofReads },
    tenantId,
    knownKeys,
    onRun,
    (orphan) => fail(orphanFailure(orphan)),
    (tenant, runId) => catchUpRunProjections(services, tenant, runId),
  );
  return E.bimap(
    (error: EventStoreError): VerifyAllError => ({ kind: 'store', error }),
    (runs: number): VerifyAllSummary => ({ tenant_id: tenantId, runs, counts, failed_runs: failures }),
  )(swept);
};
