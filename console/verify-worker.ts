// The run page's verifier, in a Web Worker (served as /assets/verify-worker.js): it fetches the
// run's bundle and verifies it while it downloads (console/proof/bundle-lines.ts: each line parsed
// and handed to the domain's stream verifier as it comes), or, a document laid out otherwise,
// whole with the domain's verifyBundle (chain, Merkle root, seal, ledger inclusion), while the page
// paints and scrolls. What was read is kept for the next request of the same URL (the reader
// pinned another key): verified again, not fetched again.
// First: it keeps the messages that arrive while the modules below load (worker-inbox.ts).
import { takeEarlyMessages } from './proof/worker-inbox.js';
import type { BundleBody, BundleEventBody } from './api-types.js';
import { createBundleLines } from './proof/bundle-lines.js';
import type { SealFacts, VerifyAnswer, VerifyRequest } from './proof/verify-messages.js';
import { verifyInPage } from './proof/verify-in-page.js';
import { runSteps } from './run-steps.js';

type WorkerScope = {
  onmessage: ((message: MessageEvent<VerifyRequest>) => void) | null;
  postMessage(answer: VerifyAnswer): void;
};
const scope = self as unknown as WorkerScope;

/** A bundle read: its verdict against any keys, its events (as the document holds them) and the
 * members that are not events. */
type Read = {
  readonly verdict: (keys: readonly Uint8Array[]) => ReturnType<typeof verifyInPage>;
  readonly events: readonly unknown[];
  readonly members: Partial<BundleBody>;
};

let kept: { readonly url: string; readonly read: Read } | null = null;

const wholeRead = (text: string): Read | null => {
  let bundle: unknown;
  try {
    bundle = JSON.parse(text) as unknown;
  } catch {
    return null;
  }
  const members = (bundle ?? {}) as Partial<BundleBody>;
  const events: readonly unknown[] = Array.isArray(members.events) ? members.events : [];
  return { verdict: (keys) => verifyInPage(bundle, keys), events, members };
};

/** The bundle at `url`, verified as it downloads when it is laid out as `aos serve` streams it. */
const fetchBundle = async (url: string): Promise<Read | { status: number }> => {
  const response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (!response.ok || response.body === null) return { status: response.status };
  const lines = createBundleLines();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) lines.write(next.value);
  const read = lines.end();
  const first = read.framed ? read.verifier.result([]) : null;
  if (first?.kind === 'verdict') {
    return {
      // Not too deep with no key: not too deep with any (the depth is the document's).
      verdict: (keys) => read.verdict(keys) ?? first.verdict,
      events: read.events,
      members: first.members as Partial<BundleBody>,
    };
  }
  return wholeRead(read.text()) ?? { status: 0 };
};

const sealOf = (bundle: Partial<BundleBody>): SealFacts => ({
  key_id: bundle.checkpoint?.key_id ?? null,
  ledger: bundle.ledger ? { leaf_index: bundle.ledger.leaf_index, tree_size: bundle.ledger.tree_size } : null,
});

const stepsOf = (events: readonly unknown[]) => {
  try {
    return runSteps(events as readonly BundleEventBody[], false);
  } catch {
    return []; // a malformed bundle: its verdict says what is wrong
  }
};

/** Answers a request: the verdict first, then the verdict with the run's steps (VerifyAnswer). */
const answer = async ({ id, url, keys }: VerifyRequest): Promise<void> => {
  if (kept?.url !== url) {
    kept = null;
    const fetched = await fetchBundle(url);
    if ('status' in fetched) return scope.postMessage({ kind: 'problem', id, status: fetched.status });
    kept = { url, read: fetched };
  }
  const { read } = kept;
  const verified = { kind: 'verified', id, verdict: read.verdict(keys), seal: sealOf(read.members) } as const;
  scope.postMessage({ ...verified, steps: null });
  scope.postMessage({ ...verified, steps: stepsOf(read.events) });
};

const onRequest = (message: MessageEvent<VerifyRequest>): void => {
  answer(message.data).catch(() => scope.postMessage({ kind: 'problem', id: message.data.id, status: 0 }));
};

scope.onmessage = onRequest;
for (const message of takeEarlyMessages()) onRequest(message as MessageEvent<VerifyRequest>);
