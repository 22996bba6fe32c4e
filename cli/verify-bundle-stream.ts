import { JSONParser } from '@streamparser/json';
import { createBundleStreamVerifier } from '../domain/bundle/bundle-stream-verification.js';
import { LEDGER_CONSISTENCY_FORMAT, STEP_INCLUSION_FORMAT } from '../domain/verify/printed-documents.js';
import type { FileRefusal } from '../domain/ports/file-refusal.js';
import { readFileInChunks } from '../adapters/files/safe-files.js';

/** JSON whitespace: what may come before a document's first `{`. */
const isJsonSpace = (byte: number): boolean =>
  byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;

type StackEntry = { readonly key?: string | number };

/** What streaming gave: a verdict (or a depth excess), a refusal of the file, or `whole` when the
 * file is not a JSON object read to its end (a tree head, another printed document, broken JSON):
 * it is then read whole, as before, for its classification and message. */
export type StreamedVerify =
  | { readonly kind: 'streamed'; readonly bundle: ReturnType<typeof createBundleStreamVerifier> }
  | { readonly kind: 'refused'; readonly refusal: FileRefusal }
  | { readonly kind: 'whole' };

/** `aos verify bundle.json`, a chunk at a time (@streamparser/json): the top-level members and each
 * element of `events` go to the domain's stream verifier as they are parsed, and each event is
 * dropped from the parser's array once handed over, so memory does not grow with the events. */
export const streamBundleFile = (
  file: string,
  maxBytes: number,
  /** Told the bytes read so far after each chunk (a progress bar). */
  onBytes: (read: number) => void = () => {},
): StreamedVerify => {
  const verifier = createBundleStreamVerifier();
  const parser = new JSONParser({ paths: ['$.*', '$.events.*'], keepStack: false });
  let broken = false;
  let started = false;
  let whole = false;
  let bytesRead = 0;
  parser.onError = () => {
    broken = true;
  };
  parser.onValue = ({ value, key, parent, stack }) => {
    const path = stack as readonly StackEntry[];
    if (path.length === 2 && path[1]?.key === 'events') {
      verifier.event(value, key as string | number);
      if (Array.isArray(parent)) parent.length = 0; // the parser appends the next element with push
    } else if (path.length === 1) verifier.member(String(key), value);
  };
  const read = readFileInChunks(file, { followLinks: true, access: 'anyone', maxBytes }, (chunk) => {
    if (!started) {
      const first = chunk.findIndex((byte) => !isJsonSpace(byte));
      if (first === -1) return true;
      started = true;
      // Only a JSON object can be a bundle: anything else is read whole, as before.
      if (chunk[first] !== 0x7b) {
        whole = true;
        return false;
      }
    }
    parser.write(chunk);
    onBytes((bytesRead += chunk.length));
    return !broken;
  });
  if (read._tag === 'Left') return { kind: 'refused', refusal: read.left };
  if (whole || broken || !started || !parser.isEnded) return { kind: 'whole' };
  // The printed proofs are small documents of their own: read whole, as before.
  const format = verifier.format();
  if (format === STEP_INCLUSION_FORMAT || format === LEDGER_CONSISTENCY_FORMAT) return { kind: 'whole' };
  return { kind: 'streamed', bundle: verifier };
};
