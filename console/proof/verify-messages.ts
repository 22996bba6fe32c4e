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

/** The verdict and its seal's facts, then (a second answer to the same request) the same with the
 * run's steps placed in time (without their events); or the HTTP status that refused the bundle
 * (0: not JSON). The verdict goes first: the steps of a long run take the worker a while to place
 * and the page a while to receive, and the reader need not wait for them to see the verdict. */
export type VerifyAnswer =
  | {
      readonly kind: 'verified';
      readonly id: number;
      readonly verdict: BundleVerdict;
      /** null in the first answer, the verdict's. */
      readonly steps: readonly StepView[] | null;
      readonly seal: SealFacts;
    }
  | { readonly kind: 'problem'; readonly id: number; readonly status: number };
