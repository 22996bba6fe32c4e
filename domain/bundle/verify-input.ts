import * as E from 'fp-ts/lib/Either.js';
import { jsonSyntaxErrorOffset } from '../json/json-syntax-error.js';
import { openNote } from '../proof/signed-note.js';
import { LEDGER_CONSISTENCY_FORMAT, STEP_INCLUSION_FORMAT } from '../verify/printed-documents.js';

/** What `aos verify` reads by default at most: a bundle of some 100,000 steps (about 600 bytes an
 * event). Larger files are refused from their size before they are read, unless the caller raises
 * the limit (the bundle of a run of a million steps is some 600 MB). */
export const DEFAULT_VERIFY_MAX_BYTES = 64 * 1024 * 1024;

/** A file given to `aos verify`: a proof bundle (any JSON document; one that is not a valid bundle
 * fails its verification, as an altered one must), or a signed tree head (C2SP signed note). */
export type VerifyInput =
  | { readonly kind: 'bundle' | PrintedDocumentKind; readonly document: unknown }
  | { readonly kind: 'tree_head'; readonly note: string };

export type NotVerifiable =
  /** Neither JSON nor a signed note; `invalid_json_at` is the byte offset where JSON broke off. */
  | { readonly kind: 'neither_bundle_nor_tree_head'; readonly invalid_json_at: number | null }
  /** More bytes than a JavaScript string can hold (some 512 MiB of text). */
  | { readonly kind: 'too_long_for_text'; readonly bytes: number };

type PrintedDocumentKind = 'step_inclusion' | 'ledger_consistency';

/** A JSON document `aos` printed, by its `format`: an inclusion or a consistency proof; any other
 * JSON is taken as a bundle (one that is not valid fails its verification, as an altered one must). */
const jsonDocument = (document: unknown): VerifyInput => {
  const format =
    typeof document === 'object' && document !== null && !Array.isArray(document)
      ? (document as { format?: unknown }).format
      : undefined;
  if (format === STEP_INCLUSION_FORMAT) return { kind: 'step_inclusion', document };
  if (format === LEDGER_CONSISTENCY_FORMAT) return { kind: 'ledger_consistency', document };
  return { kind: 'bundle', document };
};

/** Tells a bundle from a tree head: JSON is a bundle; otherwise text shaped as a signed note (a
 * body, a blank line, signature lines) is a tree head, whatever its signatures; anything else is
 * neither, and is not verified at all. */
export const classifyVerifyInput = (bytes: Uint8Array): E.Either<NotVerifiable, VerifyInput> => {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  } catch {
    return E.left({ kind: 'too_long_for_text', bytes: bytes.length });
  }
  try {
    return E.right(jsonDocument(JSON.parse(text) as unknown));
  } catch {
    // Not JSON: a tree head, or neither.
  }
  const note = openNote(text, []);
  if (note._tag === 'Right' || note.left.kind !== 'malformed_note')
    return E.right({ kind: 'tree_head', note: text });
  return E.left({ kind: 'neither_bundle_nor_tree_head', invalid_json_at: jsonSyntaxErrorOffset(bytes) });
};
