import * as E from 'fp-ts/lib/Either.js';
import type { BundleTrust } from '../bundle/bundle-verification.js';
import { openTreeHead } from '../ledger/tree-head.js';
import { describeMerkleProofError } from '../proof/merkle-proof-errors.js';
import { verifyConsistency } from '../proof/merkle-proofs.js';
import { fromHex } from '../proof/sha256.js';
import {
  documentFailure,
  documentKeys,
  documentVerdict,
  malformedDocument,
  type DocumentFailure,
  type DocumentVerdict,
} from './document-verdict.js';
import { LedgerConsistencyDocumentC, type LedgerConsistencyDocument } from './printed-documents.js';

export type LedgerConsistencyVerdict = DocumentVerdict & {
  readonly from: number | null;
  readonly to: number | null;
};

type Head = { readonly field: 'old_head' | 'new_head'; readonly size: number; readonly root: string };

/** A tree head the document carries: signed by a trusted key, of this tenant's ledger, of the size
 * and root the proof is between. */
const headProblem = (
  doc: LedgerConsistencyDocument,
  head: Head,
  keys: ReadonlyMap<string, Uint8Array>,
): E.Either<DocumentFailure, readonly string[]> => {
  const opened = openTreeHead(doc[head.field], keys);
  if (E.isLeft(opened))
    return E.left(
      documentFailure(
        `the ${head.field} does not verify: ${opened.left.message}`,
        head.field,
        'a note signed by a trusted key',
        opened.left.kind,
        'checkpoint',
      ),
    );
  const expected = { tenant_id: doc.tenant_id, tree_size: head.size, root_hash: head.root };
  for (const field of ['tenant_id', 'tree_size', 'root_hash'] as const)
    if (opened.right[field] !== expected[field])
      return E.left(
        documentFailure(
          `the signed ${head.field}'s ${field} is not the proof's`,
          `${head.field}.${field}`,
          expected[field],
          opened.right[field],
          'checkpoint',
        ),
      );
  return E.right(opened.right.signed_by);
};

const proofProblem = (doc: LedgerConsistencyDocument): DocumentFailure | null => {
  const checked = verifyConsistency(
    doc.from,
    doc.to,
    fromHex(doc.old_root),
    fromHex(doc.new_root),
    doc.proof.map(fromHex),
  );
  return E.isLeft(checked)
    ? documentFailure(
        `the consistency proof does not verify: ${describeMerkleProofError(checked.left)}`,
        'proof',
        'an RFC 9162 consistency proof from old_root to new_root',
        checked.left.kind,
        'checkpoint',
      )
    : null;
};

/** Verifies `aos ledger consistency --json` offline: both tree heads are signed by a trusted key
 * and name the proof's sizes and roots, and the RFC 9162 consistency proof shows the old tree to
 * be a prefix of the new one. */
export const verifyLedgerConsistency = (document: unknown, trust: BundleTrust): LedgerConsistencyVerdict => {
  const key_trust = trust === 'embedded' ? 'embedded' : 'pinned';
  const decoded = LedgerConsistencyDocumentC.decode(document);
  if (E.isLeft(decoded))
    return {
      ...documentVerdict({ tenant_id: null, key_trust, signed_by: [] }, malformedDocument(decoded.left)),
      from: null,
      to: null,
    };
  const doc = decoded.right;
  const ids = { tenant_id: doc.tenant_id, key_trust, from: doc.from, to: doc.to } as const;
  const keys = documentKeys(doc.public_keys, trust);
  if (E.isLeft(keys)) return { ...ids, ...documentVerdict({ ...ids, signed_by: [] }, keys.left) };
  const heads = [
    headProblem(doc, { field: 'old_head', size: doc.from, root: doc.old_root }, keys.right),
    headProblem(doc, { field: 'new_head', size: doc.to, root: doc.new_root }, keys.right),
  ];
  const headFailure = heads.find(E.isLeft);
  const signed_by = [...new Set(heads.flatMap((h) => (E.isRight(h) ? h.right : [])))];
  const failure = headFailure ? headFailure.left : proofProblem(doc);
  return { ...ids, ...documentVerdict({ ...ids, signed_by: failure === null ? signed_by : [] }, failure) };
};
