import type * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { describeDecodeErrors } from '../json/decode-error.js';
import {
  jsonDepthExcess,
  MAX_JSON_DEPTH,
  RECORD_ENVELOPE_DEPTH,
  type JsonDepthExcess,
} from '../json/json-depth.js';
import { createChainVerifier, type ChainVerifier } from '../proof/chain-verifier.js';
import { runStreamId } from '../stream-names.js';
import {
  malformedBundle,
  verifyDecodedBundle,
  type BundleTrust,
  type BundleVerdict,
} from './bundle-verification.js';
import { BundleEventC, ProofBundleC, type BundleEvent } from './proof-bundle.js';
import { verifiableEvent } from './verifiable-bundle-event.js';

/** The fields a bundle's codec checks before its events: a problem there is named first. */
const BEFORE_EVENTS = new Set(['format', 'tenant_id', 'run_id']);
/** Every field of a bundle: a problem at another top-level key is an unknown field, named first. */
const BUNDLE_FIELDS = new Set([
  ...BEFORE_EVENTS,
  'events',
  'integrity',
  'checkpoint',
  'signature',
  'public_keys',
  'ledger',
  'exported_at',
]);
const DEPTH_LIMIT = MAX_JSON_DEPTH + RECORD_ENVELOPE_DEPTH;

export type StreamedBundleOutcome =
  /** Nested deeper than a bundle may be (a usage error, as for a bundle read whole). */
  | { readonly kind: 'too_deep'; readonly excess: JsonDepthExcess }
  /** Verified: the verdict, the document without its events, and its first RunObserved event. */
  | {
      readonly kind: 'verdict';
      readonly verdict: BundleVerdict;
      readonly members: Readonly<Record<string, unknown>>;
      readonly observed: unknown;
    };

/** An event decoded as the whole bundle's codec would (its errors name `events.<i>.<field>`). */
const decodeEvent = (value: unknown, index: number): t.Validation<BundleEvent> =>
  BundleEventC.validate(value, [
    { key: '', type: ProofBundleC, actual: undefined },
    { key: 'events', type: ProofBundleC, actual: undefined },
    { key: String(index), type: BundleEventC, actual: value },
  ]);

/**
 * Verifies a bundle read a piece at a time (docs/RUNPROOF-FORMAT.md section 9), in memory that does
 * not grow with its events: the document's top-level members and the elements of its `events` in
 * document order, each event decoded, depth-checked and pushed through the chain verifier as it
 * comes. The verdict is the one `verifyBundle` gives the whole document: the same first decoding
 * problem, the same depth excess, the same checks in the same order. Events that come before the
 * bundle's tenant_id and run_id are held until both are known.
 */
// eslint-disable-next-line max-lines-per-function -- one closure holds the running state (chain, first problems, held events) its three entry points share
export const createBundleStreamVerifier = () => {
  const members: Record<string, unknown> = {};
  let excess: JsonDepthExcess | null = null;
  let eventProblem: string | null = null;
  let index = 0;
  let lastType: string | null = null;
  let observed: unknown = null;
  let chain: ChainVerifier | null = null;
  const held: { readonly event: BundleEvent; readonly written: string | undefined }[] = [];
  /** The `events` member was closed: another `events` replaces it, as JSON.parse keeps the last. */
  let eventsClosed = false;
  let excessInEvents = false;
  const restartEvents = (): void => {
    [eventProblem, index, lastType, observed, chain, eventsClosed] = [null, 0, null, null, null, false];
    held.length = 0;
    if (excessInEvents) [excess, excessInEvents] = [null, false];
  };
  const ids = (): { tenant: string; run: string } | null =>
    typeof members.tenant_id === 'string' && typeof members.run_id === 'string'
      ? { tenant: members.tenant_id, run: members.run_id }
      : null;
  /** Pushes the events held so far, once tenant and run are known. */
  const flush = (): void => {
    const known = ids();
    if (known === null) return;
    chain ??= createChainVerifier(known.tenant, known.run, runStreamId(known.run));
    for (const { event, written } of held.splice(0))
      chain.push(verifiableEvent(known.tenant, known.run, event, written));
  };
  return {
    /** A top-level member other than the elements of `events`, in document order. */
    member: (key: string, value: unknown): void => {
      excess ??= jsonDepthExcess(value, DEPTH_LIMIT, [key]);
      members[key] = value;
      if (key === 'events') eventsClosed = true;
    },
    /** The next element of the document's `events` array; a member of an `events` that is an
     * object (no bundle: its decoding fails) is only depth-checked. `dataWritten`: the text the
     * document wrote for the event's data, when the reader knows it (writtenDataText), hashed in
     * place of JCS(data) when it gives the stored link. Only a verdict VERIFIED against pinned keys
     * is then the whole document's (a trusted seal vouches for the links); the reader verifies the
     * whole document for any other (console/proof/bundle-lines.ts). */
    event: (value: unknown, key: string | number, dataWritten?: string): void => {
      if (typeof key === 'string') {
        excess ??= jsonDepthExcess(value, DEPTH_LIMIT, ['events', key]);
        return;
      }
      if (eventsClosed) restartEvents();
      const at = index;
      index += 1;
      if (excess === null) {
        excess = jsonDepthExcess(value, DEPTH_LIMIT, ['events', at]);
        excessInEvents = excess !== null;
      }
      if (excess !== null || eventProblem !== null) return;
      const type = (value as { type?: unknown } | null)?.type;
      lastType = typeof type === 'string' ? type : null;
      if (observed === null && type === 'RunObserved') observed = value;
      const decoded = decodeEvent(value, at);
      if (E.isLeft(decoded))
        eventProblem = describeDecodeErrors(decoded.left)[0] ?? `events.${at}: not an event`;
      else {
        held.push({ event: decoded.right, written: dataWritten });
        flush();
      }
    },
    /** The format the document names (`null` until seen). */
    format: (): unknown => members.format ?? null,
    result: (trust: BundleTrust): StreamedBundleOutcome => {
      if (excess !== null) return { kind: 'too_deep', excess };
      const key_trust = trust === 'embedded' ? 'embedded' : 'pinned';
      const rest = ProofBundleC.decode(members);
      const verdict = (v: BundleVerdict): StreamedBundleOutcome => ({
        kind: 'verdict',
        verdict: v,
        members,
        observed,
      });
      if (E.isLeft(rest)) {
        const problem = describeDecodeErrors(rest.left)[0] ?? 'not a bundle';
        const field = problem.split(':')[0]?.split('.')[0] ?? '';
        const first = BEFORE_EVENTS.has(field) || !BUNDLE_FIELDS.has(field) || eventProblem === null;
        return verdict(malformedBundle(first ? problem : (eventProblem ?? problem), key_trust));
      }
      if (eventProblem !== null) return verdict(malformedBundle(eventProblem, key_trust));
      flush();
      const integrity = (chain as ChainVerifier | null)?.integrity();
      return verdict(
        verifyDecodedBundle(
          rest.right,
          {
            integrity: integrity ?? createChainVerifier('', '', '').integrity(),
            event_count: index,
            last_type: lastType,
          },
          trust,
        ),
      );
    },
  };
};
