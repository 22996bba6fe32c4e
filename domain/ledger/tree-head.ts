import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { ConsistencyProofError } from '../proof/merkle-proof-errors.js';
import { consistencyProof, verifyConsistency } from '../proof/merkle-proofs.js';
import {
  openNote,
  parseTlogCheckpoint,
  tlogCheckpointBody,
  type IdentifiedNoteKey,
  type NoteError,
} from '../proof/signed-note.js';
import { toHex, type Hash } from '../proof/sha256.js';
import { ledgerLeaves, type LedgerEntry } from './tenant-ledger.js';
import { merkleTreeHash } from '../proof/merkle-tree.js';

/** Name of the signed-note key that signs tree heads (C2SP signed-note). */
export const NOTE_KEY_NAME = 'aos.runproof';
const ORIGIN_PREFIX = 'aos.runproof/';

/** C2SP tlog-checkpoint origin of a tenant's ledger. */
const ledgerOrigin = (tenantId: string): string => `${ORIGIN_PREFIX}${tenantId}`;

/** The tlog-checkpoint body of the ledger as it is now (size, RFC 9162 root of the seals). */
export const treeHeadBody = (tenantId: string, entries: readonly LedgerEntry[]): string => {
  const body = tlogCheckpointBody(
    ledgerOrigin(tenantId),
    entries.length,
    merkleTreeHash(ledgerLeaves(entries)),
  );
  if (E.isLeft(body)) throw new Error(`tenant id cannot form a checkpoint origin: ${body.left.message}`);
  return body.right;
};

export type TreeHead = {
  readonly tenant_id: string;
  readonly tree_size: number;
  readonly root_hash: string;
  readonly signed_by: readonly string[];
};

export type TreeHeadError = NoteError | { readonly kind: 'not_a_ledger_head'; readonly message: string };

/** The key_ids of the known keys that signed. */
const keyIdsAmong = (
  knownKeys: ReadonlyMap<string, Uint8Array>,
  signers: readonly IdentifiedNoteKey[],
): string[] =>
  [...knownKeys.entries()]
    .filter(([, raw]) => signers.some((k) => toHex(k.rawPublicKey) === toHex(raw)))
    .map(([id]) => id);

/** Opens a signed tree head an auditor kept: signature by a known key (raw keys by key_id), origin
 * of a tenant ledger. */
export const openTreeHead = (
  note: string,
  knownKeys: ReadonlyMap<string, Uint8Array>,
): E.Either<TreeHeadError, TreeHead> =>
  pipe(
    E.Do,
    E.bind('opened', () =>
      openNote(
        note,
        [...knownKeys.values()].map((rawPublicKey) => ({ name: NOTE_KEY_NAME, rawPublicKey })),
      ),
    ),
    E.bind('checkpoint', ({ opened }) => parseTlogCheckpoint(opened.body)),
    E.filterOrElseW(
      ({ checkpoint }) => checkpoint.origin.startsWith(ORIGIN_PREFIX),
      ({ checkpoint }): TreeHeadError => ({
        kind: 'not_a_ledger_head',
        message: `origin ${checkpoint.origin} is not an aos.runproof tenant ledger`,
      }),
    ),
    E.map(({ opened, checkpoint }) => ({
      tenant_id: checkpoint.origin.slice(ORIGIN_PREFIX.length),
      tree_size: checkpoint.treeSize,
      root_hash: toHex(checkpoint.rootHash),
      signed_by: keyIdsAmong(knownKeys, opened.verifiedBy),
    })),
  );

export type LedgerConsistency =
  | {
      readonly consistent: true;
      readonly old_size: number;
      readonly new_size: number;
      readonly new_root: string;
      readonly proof: readonly string[];
    }
  | {
      readonly consistent: false;
      readonly old_size: number;
      readonly new_size: number;
      readonly new_root: string;
      readonly reason: string;
      /** Why the consistency proof from the kept head to the ledger now does not verify. */
      readonly proof_failure: ConsistencyProofError;
      readonly proof: readonly string[];
    };

/** Whether the ledger as it is now extends the head an auditor kept (RFC 9162 consistency proof
 * from the current leaves, checked against the kept root): a removed or rewritten seal fails. */
export const checkLedgerConsistency = (
  kept: TreeHead,
  entries: readonly LedgerEntry[],
): LedgerConsistency => {
  const leaves: Hash[] = ledgerLeaves(entries);
  const newRoot = merkleTreeHash(leaves);
  const base = { old_size: kept.tree_size, new_size: leaves.length, new_root: toHex(newRoot) };
  if (leaves.length < kept.tree_size)
    return {
      ...base,
      consistent: false,
      reason: `the ledger shrank from ${kept.tree_size} to ${leaves.length} seals: sealed runs were removed`,
      proof_failure: { kind: 'size_decreased', old_size: kept.tree_size, new_size: leaves.length },
      proof: [],
    };
  const proof = consistencyProof(leaves, kept.tree_size);
  const verified = verifyConsistency(
    kept.tree_size,
    leaves.length,
    Buffer.from(kept.root_hash, 'hex'),
    newRoot,
    proof,
  );
  return E.isRight(verified)
    ? { ...base, consistent: true, proof: proof.map(toHex) }
    : {
        ...base,
        consistent: false,
        reason: `the first ${kept.tree_size} seals no longer hash to the kept root: the ledger was rewritten`,
        proof_failure: verified.left,
        proof: proof.map(toHex),
      };
};
