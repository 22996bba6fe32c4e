/**
 * Why a Merkle inclusion or consistency proof does not verify, in the terms of transparency-dev's
 * proof package (index beyond size, wrong proof size, root mismatch, size2 < size1, non-empty
 * proof for equal sizes, empty proof), plus the arguments a JavaScript number can hold and a
 * uint64 cannot: sizes that are negative, fractional or beyond 2^53.
 */

/** A hash argument of a verifier: the leaf, the root(s), or an element of the proof. */
export type ProofHashName = 'leaf' | 'root' | 'old_root' | 'new_root' | 'proof';

/** A size argument of a verifier. */
type ProofSizeName = 'tree_size' | 'old_size' | 'new_size';

type InvalidSize = {
  readonly kind: 'invalid_size';
  readonly size: ProofSizeName;
  readonly value: number;
};
export type WrongHashSize = {
  readonly kind: 'wrong_hash_size';
  readonly hash: ProofHashName;
  /** Position in the proof when `hash` is 'proof', else null. */
  readonly at: number | null;
  readonly expected: number;
  readonly actual: number;
};
type WrongProofSize = {
  readonly kind: 'wrong_proof_size';
  readonly expected: number;
  readonly actual: number;
};
export type RootMismatch = {
  readonly kind: 'root_mismatch';
  readonly hash: 'root' | 'old_root' | 'new_root';
  /** Hex of the root the proof leads to. */
  readonly computed: string;
  /** Hex of the root the caller expected. */
  readonly expected: string;
};

export type InclusionProofError =
  | InvalidSize
  | { readonly kind: 'index_out_of_range'; readonly index: number; readonly tree_size: number }
  | WrongHashSize
  | WrongProofSize
  | RootMismatch;

export type ConsistencyProofError =
  | InvalidSize
  | { readonly kind: 'size_decreased'; readonly old_size: number; readonly new_size: number }
  | WrongHashSize
  | { readonly kind: 'non_empty_proof_for_equal_sizes'; readonly proof_size: number }
  | { readonly kind: 'non_empty_proof_from_empty_tree'; readonly proof_size: number }
  | { readonly kind: 'empty_proof' }
  | WrongProofSize
  | RootMismatch;

export type MerkleProofError = InclusionProofError | ConsistencyProofError;

const hashName = (e: WrongHashSize): string => (e.at === null ? e.hash : `proof[${e.at}]`);

/** One line for a person: what did not fit, with the numbers or hashes that did not. */
export const describeMerkleProofError = (error: MerkleProofError): string => {
  switch (error.kind) {
    case 'invalid_size':
      return `${error.size} ${error.value} is not a tree size`;
    case 'index_out_of_range':
      return `leaf index ${error.index} is outside a tree of ${error.tree_size} leaves`;
    case 'size_decreased':
      return `the new size ${error.new_size} is smaller than the old size ${error.old_size}`;
    case 'wrong_hash_size':
      return `${hashName(error)} has ${error.actual} bytes, a hash has ${error.expected}`;
    case 'non_empty_proof_for_equal_sizes':
      return `equal tree sizes need an empty proof, this one has ${error.proof_size} hashes`;
    case 'non_empty_proof_from_empty_tree':
      return `a proof from the empty tree is empty, this one has ${error.proof_size} hashes`;
    case 'empty_proof':
      return 'the proof is empty';
    case 'wrong_proof_size':
      return `the proof has ${error.actual} hashes, the tree sizes need ${error.expected}`;
    case 'root_mismatch':
      return `the proof leads to ${error.hash} ${error.computed}, expected ${error.expected}`;
  }
};
