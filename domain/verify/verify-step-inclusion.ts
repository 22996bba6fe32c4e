import * as E from 'fp-ts/lib/Either.js';
import type { BundleTrust } from '../bundle/bundle-verification.js';
import { utf8 } from '../json/canonical-json.js';
import { sealSignatureProblem } from '../ledger/seal-verification.js';
import { leafHashOfBytes } from '../proof/leaf.js';
import { describeMerkleProofError } from '../proof/merkle-proof-errors.js';
import { verifyInclusion } from '../proof/merkle-proofs.js';
import { fromHex, toHex } from '../proof/sha256.js';
import {
  documentFailure,
  documentKeys,
  documentVerdict,
  malformedDocument,
  type DocumentFailure,
  type DocumentVerdict,
} from './document-verdict.js';
import { StepInclusionDocumentC, type StepInclusionDocument } from './printed-documents.js';

export type StepInclusionVerdict = DocumentVerdict & {
  readonly run_id: string | null;
  readonly step_index: number | null;
  readonly merkle_root: string | null;
};

/** The leaf envelope (docs/RUNPROOF-FORMAT.md section 3) names this tenant, run, seq and step. */
const leafProblem = (doc: StepInclusionDocument): DocumentFailure | null => {
  const { inclusion } = doc;
  const hash = toHex(leafHashOfBytes(utf8(inclusion.leaf_bytes)));
  if (hash !== inclusion.leaf_hash)
    return documentFailure(
      'leaf_bytes do not hash to leaf_hash',
      'inclusion.leaf_hash',
      hash,
      inclusion.leaf_hash,
    );
  let leaf: Record<string, unknown>;
  try {
    leaf = JSON.parse(inclusion.leaf_bytes) as Record<string, unknown>;
  } catch {
    return documentFailure('leaf_bytes are not JSON', 'inclusion.leaf_bytes', 'a leaf envelope', 'not JSON');
  }
  const data =
    typeof leaf.data === 'object' && leaf.data !== null ? (leaf.data as Record<string, unknown>) : {};
  const expected: readonly [string, unknown, unknown][] = [
    ['v', 1, leaf.v],
    ['tenant_id', doc.tenant_id, leaf.tenant_id],
    ['run_id', doc.run_id, leaf.run_id],
    ['seq', inclusion.leaf_index, leaf.seq],
    ['type', 'StepExecuted', leaf.type],
    ['data.step_index', inclusion.step_index, data.step_index],
  ];
  for (const [field, want, got] of expected)
    if (want !== got)
      return documentFailure(
        `the disclosed leaf's ${field} is not the document's`,
        `inclusion.leaf_bytes.${field}`,
        want as string | number,
        JSON.stringify(got ?? null),
      );
  return null;
};

const inclusionProblem = (doc: StepInclusionDocument): DocumentFailure | null => {
  const { inclusion } = doc;
  const checked = verifyInclusion(
    fromHex(inclusion.leaf_hash),
    inclusion.leaf_index,
    inclusion.tree_size,
    inclusion.inclusion_path.map(fromHex),
    fromHex(inclusion.merkle_root),
  );
  return E.isLeft(checked)
    ? documentFailure(
        `the leaf is not included in the run's Merkle root by this proof: ${describeMerkleProofError(checked.left)}`,
        'inclusion.inclusion_path',
        inclusion.merkle_root,
        'proof does not reach it',
      )
    : null;
};

/** The seal: this run's, over this Merkle root and tree size, signed by a trusted key. */
const sealProblem = (
  doc: StepInclusionDocument,
  keys: ReadonlyMap<string, Uint8Array>,
): DocumentFailure | null => {
  const { checkpoint, signature, inclusion } = doc;
  if (checkpoint === null || signature === null) return null;
  const sealed: readonly [string, string | number, string | number][] = [
    ['tenant_id', doc.tenant_id, checkpoint.tenant_id],
    ['run_id', doc.run_id, checkpoint.run_id],
    ['merkle_root', inclusion.merkle_root, checkpoint.merkle_root],
    ['chain_length', inclusion.tree_size, checkpoint.chain_length],
  ];
  for (const [field, want, got] of sealed)
    if (want !== got)
      return documentFailure(
        `the seal's ${field} is not the disclosed tree's`,
        `checkpoint.${field}`,
        want,
        got,
        'checkpoint',
      );
  const problem = sealSignatureProblem({ checkpoint, signature }, keys);
  return problem === null
    ? null
    : documentFailure(
        problem.reason,
        problem.field,
        'a valid seal by a trusted key',
        checkpoint.key_id,
        'checkpoint',
      );
};

/** What the document claims of the run's proof, against the tree it discloses. */
const claimsProblem = (doc: StepInclusionDocument): DocumentFailure | null => {
  const { integrity, inclusion } = doc;
  if (integrity.merkle_root !== inclusion.merkle_root)
    return documentFailure(
      "integrity.merkle_root is not the disclosed tree's",
      'integrity.merkle_root',
      inclusion.merkle_root,
      integrity.merkle_root,
    );
  if (integrity.verification_status !== 'VERIFIED')
    return documentFailure(
      'the run did not verify when the proof was printed',
      'integrity.verification_status',
      'VERIFIED',
      integrity.verification_status,
    );
  return null;
};

const unsealed = (doc: StepInclusionDocument): DocumentFailure | null => {
  if (doc.checkpoint === null && doc.signature === null)
    return {
      ...documentFailure(
        'the run is not sealed: nothing signed vouches for this Merkle root',
        'checkpoint',
        'present',
        null,
        'checkpoint',
      ),
      status: 'UNSEALED',
    };
  if ((doc.checkpoint === null) !== (doc.signature === null))
    return documentFailure(
      'checkpoint and signature must come together',
      doc.checkpoint ? 'signature' : 'checkpoint',
      'present',
      null,
    );
  return null;
};

/** Verifies `aos proof --step N --inclusion --json` offline: the leaf is the step's, the RFC 9162
 * inclusion proof reaches the Merkle root, and the run's seal, by a trusted key, commits to that
 * root and size. */
export const verifyStepInclusion = (document: unknown, trust: BundleTrust): StepInclusionVerdict => {
  const key_trust = trust === 'embedded' ? 'embedded' : 'pinned';
  const decoded = StepInclusionDocumentC.decode(document);
  if (E.isLeft(decoded))
    return {
      ...documentVerdict({ tenant_id: null, key_trust, signed_by: [] }, malformedDocument(decoded.left)),
      run_id: null,
      step_index: null,
      merkle_root: null,
    };
  const doc = decoded.right;
  const keys = documentKeys(doc.public_keys, trust);
  const failure =
    leafProblem(doc) ??
    inclusionProblem(doc) ??
    unsealed(doc) ??
    (E.isLeft(keys) ? keys.left : (sealProblem(doc, keys.right) ?? claimsProblem(doc)));
  const signed_by = failure === null && doc.checkpoint ? [doc.checkpoint.key_id] : [];
  return {
    ...documentVerdict({ tenant_id: doc.tenant_id, key_trust, signed_by }, failure),
    run_id: doc.run_id,
    step_index: doc.inclusion.step_index,
    merkle_root: doc.inclusion.merkle_root,
  };
};
