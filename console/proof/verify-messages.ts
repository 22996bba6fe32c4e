import type { BundleVerdict } from '../../domain/bundle/bundle-verification.js';
import type { StepView } from '../run-steps.js';

/** The page asks the worker (console/verify-worker.ts) to verify the bundle at `url` against the
 * pinned keys; `id` names the answer. */
export type VerifyRequest = {
  readonly id: number;
  readonly url: string;
  readonly keys: readonly Uint8Array[];
};

/** What the run's header says of its seal, from the bundle. */
export type SealFacts = {
  readonly key_id: string | null;
  readonly ledger: { readonly leaf_index: number; readonly tree_size: number } | null;
};

/** The verdict with the run's steps placed in time (without their events) and its seal's facts, or
 * the HTTP status that refused the bundle (0: not JSON). */
export type VerifyAnswer =
  | {
      readonly kind: 'verified';
      readonly id: number;
      readonly verdict: BundleVerdict;
      readonly steps: readonly StepView[];
      readonly seal: SealFacts;
    }
  | { readonly kind: 'problem'; readonly id: number; readonly status: number };
