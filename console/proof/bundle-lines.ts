import { writtenDataText } from '../../domain/bundle/bundle-event-text.js';
import { createBundleStreamVerifier } from '../../domain/bundle/bundle-stream-verification.js';
import { verifyBundle, type BundleVerdict } from '../../domain/bundle/bundle-verification.js';

type StreamVerifier = ReturnType<typeof createBundleStreamVerifier>;

/** The bundle read as it downloads: the domain's stream verifier fed with its members and events,
 * the events kept (the page's steps are placed from them), and the document's whole text, for
 * the whole-document verifier when its layout is not the one below. */
export type LinedBundle = {
  /** Whether the document had the layout below to its end (else: `text`, verified whole). */
  readonly framed: boolean;
  readonly verifier: StreamVerifier;
  readonly events: readonly unknown[];
  readonly text: () => string;
  /** The verdict against pinned `keys` of a framed document (null: not framed, or nested too deep
   * for the stream verifier; the whole text says what it is). The streamed verdict, which hashed
   * each event's data as the document wrote it, stands when it is VERIFIED: a trusted seal vouches
   * for the links, so each written text is the sealed JCS(data). Any other verdict is the whole
   * document's (verifyBundle): without a trusted seal, links made over a text that is not
   * JCS(data) pass the streamed chain check and fail the whole document's. */
  readonly verdict: (keys: readonly Uint8Array[]) => BundleVerdict | null;
};

const HEAD_END = '"events":[';
/** Members the last line may not repeat: the verifier took the events with the first line's ids. */
const HEAD_MEMBERS = ['format', 'tenant_id', 'run_id', 'events'];

type Stage = 'head' | 'events' | 'tail' | 'broken';

/**
 * Reads the text of a bundle as `aos serve` streams it (server/console/bundle-stream.ts): a first
 * line with the members before `events` ending in `"events":[`, one event a line (each but the last
 * followed by a comma), and a last line `],` with the members after. Each line is parsed by
 * JSON.parse as it comes and handed to the domain's stream verifier (createBundleStreamVerifier,
 * as `aos verify` uses it), so the parsing and hashing overlap the download. This only splits the
 * document where its layout says: the verifier sees the same members and elements, in the same
 * order, as a JSON parser of the whole text would give it. A document laid out otherwise (or not
 * JSON) is `framed: false`, and the page verifies its whole text with verifyBundle, as before.
 */
// eslint-disable-next-line max-lines-per-function -- one closure holds the reader's state (stage, partial line, last event) its two entry points share
export const createBundleLines = () => {
  const verifier = createBundleStreamVerifier();
  const events: unknown[] = [];
  const chunks: string[] = [];
  let stage: Stage = 'head';
  let partial = '';
  /** The last event line read: its value is handed over once the next line says it has a comma. */
  let pending: { readonly line: string } | null = null;
  const members = (text: string, without: string | null): boolean => {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    for (const [key, member] of Object.entries(value)) if (key !== without) verifier.member(key, member);
    return true;
  };
  const event = (text: string): void => {
    const value = JSON.parse(text) as unknown;
    verifier.event(value, events.length, writtenDataText(text, value) ?? undefined);
    events.push(value);
  };
  const eventsEnd = (): void => {
    if (pending !== null) event(pending.line);
    pending = null;
    verifier.member('events', []);
  };
  const line = (text: string): Stage => {
    if (stage === 'head')
      return text.endsWith(HEAD_END) && members(`${text}]}`, 'events') ? 'events' : 'broken';
    if (text.startsWith('],')) {
      eventsEnd();
      return 'tail';
    }
    if (pending !== null) {
      if (!pending.line.endsWith(',')) return 'broken';
      event(pending.line.slice(0, -1));
    }
    pending = { line: text };
    return 'events';
  };
  const take = (text: string): void => {
    if (stage === 'tail' || stage === 'broken') return;
    try {
      stage = line(text);
    } catch {
      stage = 'broken'; // not JSON where the layout says: the whole text says what it is
    }
  };
  return {
    /** The next piece of the document's text. */
    write: (chunk: string): void => {
      chunks.push(chunk);
      if (stage === 'broken') return;
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const text of lines) take(text);
    },
    /** The document ended: its last line (the members after `events`) read. */
    end: (): LinedBundle => {
      let framed = false;
      if (stage === 'events' && partial.startsWith('],')) {
        try {
          eventsEnd();
          const tail = JSON.parse(`{${partial.slice(2)}`) as Record<string, unknown>;
          framed = !HEAD_MEMBERS.some((key) => key in tail) && members(`{${partial.slice(2)}`, null);
        } catch {
          framed = false;
        }
      }
      const text = () => chunks.join('');
      const verdict = (keys: readonly Uint8Array[]): BundleVerdict | null => {
        const outcome = framed ? verifier.result(keys) : null;
        if (outcome?.kind !== 'verdict') return null;
        if (outcome.verdict.integrity.verification_status === 'VERIFIED') return outcome.verdict;
        return verifyBundle(JSON.parse(text()) as unknown, keys);
      };
      return { framed, verifier, events, text, verdict };
    },
  };
};
