// The run page's verifier, in a Web Worker (served as /assets/verify-worker.js): it fetches the
// run's bundle, parses it and verifies it with the domain's verifyBundle (chain, Merkle root,
// seal, ledger inclusion) while the page paints and scrolls. The bundle is kept for the next
// request of the same URL (the reader pinned another key): verified again, not fetched again.
import type { BundleBody } from './api-types.js';
import type { SealFacts, VerifyAnswer, VerifyRequest } from './proof/verify-messages.js';
import { verifyInPage } from './proof/verify-in-page.js';
import { runSteps } from './run-steps.js';

type WorkerScope = {
  onmessage: ((message: MessageEvent<VerifyRequest>) => void) | null;
  postMessage(answer: VerifyAnswer): void;
};
const scope = self as unknown as WorkerScope;

let kept: { readonly url: string; readonly bundle: unknown } | null = null;

const fetchBundle = async (url: string): Promise<{ bundle: unknown } | { status: number }> => {
  const response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (!response.ok) return { status: response.status };
  try {
    return { bundle: (await response.json()) as unknown };
  } catch {
    return { status: 0 };
  }
};

const sealOf = (bundle: Partial<BundleBody>): SealFacts => ({
  key_id: bundle.checkpoint?.key_id ?? null,
  ledger: bundle.ledger ? { leaf_index: bundle.ledger.leaf_index, tree_size: bundle.ledger.tree_size } : null,
});

const stepsOf = (bundle: Partial<BundleBody>) => {
  try {
    return Array.isArray(bundle.events) ? runSteps(bundle.events, false) : [];
  } catch {
    return []; // a malformed bundle: its verdict says what is wrong
  }
};

const answer = async ({ id, url, keys }: VerifyRequest): Promise<VerifyAnswer> => {
  if (kept?.url !== url) {
    kept = null;
    const fetched = await fetchBundle(url);
    if ('status' in fetched) return { kind: 'problem', id, status: fetched.status };
    kept = { url, bundle: fetched.bundle };
  }
  const bundle = (kept.bundle ?? {}) as Partial<BundleBody>;
  const verdict = verifyInPage(kept.bundle, keys);
  return { kind: 'verified', id, verdict, steps: stepsOf(bundle), seal: sealOf(bundle) };
};

scope.onmessage = (message) => {
  void answer(message.data).then(
    (answered) => scope.postMessage(answered),
    () => scope.postMessage({ kind: 'problem', id: message.data.id, status: 0 }),
  );
};
