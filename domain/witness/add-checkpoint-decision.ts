import * as E from 'fp-ts/lib/Either.js';
import { describeMerkleProofError } from '../proof/merkle-proof-errors.js';
import { verifyConsistency } from '../proof/merkle-proofs.js';
import { sha256, toHex, fromHex } from '../proof/sha256.js';
import { openNote, parseTlogCheckpoint } from '../proof/signed-note.js';
import type { AddCheckpointRequest } from './add-checkpoint-request.js';
import type { WitnessedLogs } from './witnessed-logs.js';
import type { WitnessState } from './witness-state.js';

/** Why a witness refuses a checkpoint, as the HTTP status C2SP tlog-witness gives it: 400 a
 * malformed request, 403 no trusted log signature, 404 an unknown origin, 409 an old size that is
 * not the witness's (`size` then is the one it holds) or the same size with another root, 422 a
 * consistency proof that does not verify. */
export type AddCheckpointRefusal =
  | { readonly status: 400 | 403 | 404 | 422; readonly message: string }
  | { readonly status: 409; readonly size: number; readonly message: string };

/** A checkpoint the witness accepts: what it keeps (then cosigns) and the body it cosigns. */
export type AcceptedCheckpoint = { readonly state: WitnessState; readonly body: string };

const refuse = (status: 400 | 403 | 404 | 422, message: string): E.Either<AddCheckpointRefusal, never> =>
  E.left({ status, message });

const EMPTY_TREE_ROOT = toHex(sha256());

/** The origin line of the request's checkpoint, read before its signatures are checked (it says
 * which log's keys check them). */
export const checkpointOrigin = (request: AddCheckpointRequest): string =>
  request.checkpoint.slice(0, Math.max(0, request.checkpoint.indexOf('\n')));

/** The log signature and the checkpoint it signs: 404, 403 or 400 when they do not hold. */
const signedCheckpoint = (request: AddCheckpointRequest, logs: WitnessedLogs) => {
  const origin = checkpointOrigin(request);
  const keys = logs.get(origin);
  if (keys === undefined) return refuse(404, `unknown log origin ${JSON.stringify(origin.slice(0, 100))}`);
  const opened = openNote(request.checkpoint, keys);
  if (E.isLeft(opened))
    return opened.left.kind === 'malformed_note'
      ? refuse(400, `the checkpoint is not a signed note: ${opened.left.message}`)
      : refuse(403, `no trusted signature of ${origin}: ${opened.left.message}`);
  const checkpoint = parseTlogCheckpoint(opened.right.body);
  if (E.isLeft(checkpoint)) return refuse(400, `the checkpoint is malformed: ${checkpoint.left.message}`);
  return E.right({ body: opened.right.body, ...checkpoint.right });
};

/** C2SP tlog-witness add-checkpoint, decided over what the witness holds for the checkpoint's
 * origin (null: it never cosigned one, size 0): the new state to persist before answering, or the
 * refusal. */
export const decideAddCheckpoint = (
  request: AddCheckpointRequest,
  logs: WitnessedLogs,
  held: WitnessState | null,
): E.Either<AddCheckpointRefusal, AcceptedCheckpoint> => {
  const signed = signedCheckpoint(request, logs);
  if (E.isLeft(signed)) return signed;
  const { origin, treeSize, rootHash, body } = signed.right;
  if (request.oldSize > treeSize)
    return refuse(400, `old size ${request.oldSize} is above the checkpoint size ${treeSize}`);
  const state = held !== null && held.origin === origin ? held : null;
  const heldSize = state?.size ?? 0;
  const heldRoot = state?.root_hash ?? EMPTY_TREE_ROOT;
  if (request.oldSize !== heldSize)
    return E.left({
      status: 409,
      size: heldSize,
      message: `the witness holds size ${heldSize}, not ${request.oldSize}`,
    });
  if (request.oldSize === 0 && request.proof.length > 0)
    return refuse(400, 'a proof from size 0 must be empty');
  const accepted = {
    state: { origin, size: treeSize, root_hash: toHex(rootHash), checkpoint: request.checkpoint },
    body,
  };
  if (request.oldSize === 0) return E.right(accepted);
  if (treeSize === heldSize && toHex(rootHash) !== heldRoot)
    return E.left({
      status: 409,
      size: heldSize,
      message: `size ${heldSize} has another root than the one cosigned`,
    });
  const consistent = verifyConsistency(heldSize, treeSize, fromHex(heldRoot), rootHash, request.proof);
  if (E.isLeft(consistent))
    return refuse(
      422,
      `the consistency proof from ${heldSize} does not verify: ${describeMerkleProofError(consistent.left)}`,
    );
  return E.right(accepted);
};
