import * as E from 'fp-ts/lib/Either.js';
import type { RunCheckpoint } from '../../domain/ledger/run-checkpoint.js';
import type { SealReport } from '../../domain/ledger/seal-verification.js';
import type { RunIntegrity } from '../../domain/proof/run-verification.js';
import type { ComparableRow } from '../../projections/comparable-row.js';

/** An observed run's origin, as the proof reports it: recorded from an OpenTelemetry trace after
 * its steps ran, with no plan stored before them. */
export type RunObservation = {
  readonly source: 'otlp';
  readonly trace_id: string;
  readonly root_span_id: string;
  readonly service_name: string;
};

/** The verdict on one run: the chain rebuilt from its events, its seal, and its projections. */
export type RunProof = {
  readonly run_id: string;
  readonly tenant_id: string;
  readonly found: boolean;
  readonly integrity: RunIntegrity;
  readonly seal: SealReport;
  /** The seal found in the tenant ledger (checked or not), for disclosure to third parties. */
  readonly sealed: {
    readonly checkpoint: RunCheckpoint;
    readonly signature: string;
    readonly ledger_index: number;
  } | null;
  readonly aos_traces: readonly ComparableRow[];
  /** How many aos_trace_steps rows carry this run id (the rows themselves are streamed by whoever prints them). */
  readonly step_count: number;
  /** Set for an observed run: recorded from an OpenTelemetry trace after its steps ran, no plan
   * stored before them (docs/OBSERVED-RUNS.md). */
  readonly observation: RunObservation | null;
};

/** Why a proof failed, and where. */
export type ProofFailure = { readonly reason: string; readonly divergence: RunIntegrity['divergence'] };

export const failedWith = (integrity: RunIntegrity, failure: ProofFailure): RunIntegrity => ({
  ...integrity,
  verification_status: 'FAILED',
  failure_reason: failure.reason,
  divergence: failure.divergence,
});

/** A run still open whose first divergence is in the projections: another process may have appended
 * after its rows were read. */
const mayBeProjectionLag = (proof: RunProof): boolean =>
  proof.seal.status === 'not_completed' && proof.integrity.divergence?.source === 'projection';

const LIVE_RUN_ATTEMPTS = 3;

/** Proves with `prove`; while the proof may only show projection lag (above), catches up and
 * proves again, up to three proofs in all. A tampered row stays tampered and fails every attempt;
 * a completed run is proved once. */
export const proveAllowingLag = async <L>(
  prove: () => Promise<E.Either<L, RunProof>>,
  catchUp: () => Promise<void>,
): Promise<E.Either<L, RunProof>> => {
  let proof = await prove();
  for (
    let attempt = 1;
    attempt < LIVE_RUN_ATTEMPTS && E.isRight(proof) && mayBeProjectionLag(proof.right);
    attempt++
  ) {
    await catchUp();
    proof = await prove();
  }
  return proof;
};
