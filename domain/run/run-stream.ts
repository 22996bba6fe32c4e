import * as E from 'fp-ts/lib/Either.js';
import { canonicalJson } from '../json/canonical-json.js';
import { describeDecodeErrors } from '../json/decode-error.js';
import { JsonObjectC } from '../json/json-value.js';
import { genesisLink, nextLink } from '../proof/hash-chain.js';
import { leafHash } from '../proof/leaf.js';
import { emptyMerkleFrontier, withLeaf, type MerkleFrontier } from '../proof/merkle-frontier.js';
import { toHex, type Hash } from '../proof/sha256.js';
import type { GlobalPosition, NewEvent, StoredEvent } from '../ports/event-store.js';
import { runDecider, type RunState } from './run-decider.js';
import { decodeRunEvent, type RunEvent, type StepExecuted } from './run-events.js';

/** A run's stream as its writer holds it: decided state, version for the next append, the last
 * chain link and the frontier of the run's Merkle tree, always recomputed from the events
 * themselves, never taken from a stored link: with them the writer seals the run it completes
 * without reading it again. */
export type RunStream = {
  readonly tenantId: string;
  readonly runId: string;
  readonly state: RunState;
  readonly version: number;
  readonly lastLink: Hash;
  readonly merkleFrontier: MerkleFrontier;
  /** Where the projections must be to hold the stream's last append (and the seal appended with
   * it, when that append completed the run). */
  readonly lastPosition: GlobalPosition | null;
};

export type RunStreamError =
  | { readonly kind: 'stored_event_invalid'; readonly seq: number; readonly message: string }
  | {
      readonly kind: 'stored_chain_broken';
      readonly seq: number;
      readonly expected: string;
      readonly actual: string | null;
    }
  | { readonly kind: 'event_not_plain_json'; readonly type: string; readonly message: string };

export const emptyRunStream = (tenantId: string, runId: string): RunStream => ({
  tenantId,
  runId,
  state: runDecider.initialState(),
  version: 0,
  lastLink: genesisLink(tenantId, runId),
  merkleFrontier: emptyMerkleFrontier,
  lastPosition: null,
});

/** Folds stored events into a stream the writer may extend, refusing one whose chain does not hold. */
export const loadRunStream = (
  tenantId: string,
  runId: string,
  events: readonly StoredEvent[],
): E.Either<RunStreamError, RunStream> => {
  let stream = emptyRunStream(tenantId, runId);
  for (const stored of events) {
    if (stored.seq !== stream.version) {
      return E.left({
        kind: 'stored_event_invalid',
        seq: stored.seq,
        message: `expected seq ${stream.version}`,
      });
    }
    const decoded = decodeRunEvent(stored.type, stored.data);
    if (E.isLeft(decoded)) {
      return E.left({
        kind: 'stored_event_invalid',
        seq: stored.seq,
        message: describeDecodeErrors(decoded.left).join('; '),
      });
    }
    const leaf = leafHash({
      tenant_id: tenantId,
      run_id: runId,
      seq: stored.seq,
      type: stored.type,
      dataCanonical: stored.dataCanonical,
      recorded_at: stored.recorded_at,
    });
    const link = nextLink(stream.lastLink, leaf);
    if (stored.link !== toHex(link)) {
      return E.left({
        kind: 'stored_chain_broken',
        seq: stored.seq,
        expected: toHex(link),
        actual: stored.link,
      });
    }
    stream = {
      ...stream,
      state: runDecider.evolve(stream.state, decoded.right),
      version: stream.version + 1,
      lastLink: link,
      merkleFrontier: withLeaf(stream.merkleFrontier, leaf),
      lastPosition: stored.globalPosition,
    };
  }
  return E.right(stream);
};

/** Gives decided events their seq, canonical bytes and chain links; returns what to append and the
 * stream as it will be once the append lands. */
export const chainRunEvents = (
  stream: RunStream,
  events: readonly RunEvent[],
  recordedAt: string,
): E.Either<RunStreamError, { readonly toAppend: NewEvent[]; readonly next: RunStream }> => {
  const toAppend: NewEvent[] = [];
  let { state, lastLink, merkleFrontier, version } = stream;
  for (const event of events) {
    const plain = JsonObjectC.decode(event.data);
    if (E.isLeft(plain)) {
      return E.left({
        kind: 'event_not_plain_json',
        type: event.type,
        message: describeDecodeErrors(plain.left).join('; '),
      });
    }
    const dataCanonical = canonicalJson(plain.right);
    const leaf = leafHash({
      tenant_id: stream.tenantId,
      run_id: stream.runId,
      seq: version,
      type: event.type,
      dataCanonical,
      recorded_at: recordedAt,
    });
    lastLink = nextLink(lastLink, leaf);
    merkleFrontier = withLeaf(merkleFrontier, leaf);
    toAppend.push({
      type: event.type,
      data: plain.right,
      dataCanonical,
      recorded_at: recordedAt,
      link: toHex(lastLink),
    });
    state = runDecider.evolve(state, event);
    version += 1;
  }
  return E.right({ toAppend, next: { ...stream, state, lastLink, merkleFrontier, version } });
};

/** The StepExecuted records among a run's stored events (already verified by loadRunStream). */
export const stepRecordsOf = (events: readonly StoredEvent[]): StepExecuted[] =>
  events.flatMap((stored) => {
    if (stored.type !== 'StepExecuted') return [];
    const decoded = decodeRunEvent(stored.type, stored.data);
    return E.isRight(decoded) && decoded.right.type === 'StepExecuted' ? [decoded.right.data] : [];
  });
