import * as E from 'fp-ts/lib/Either.js';
import { parseAddCheckpointRequest } from '../../domain/witness/add-checkpoint-request.js';
import {
  checkpointOrigin,
  decideAddCheckpoint,
  type AddCheckpointRefusal,
} from '../../domain/witness/add-checkpoint-decision.js';
import type { WitnessedLogs } from '../../domain/witness/witnessed-logs.js';
import type { WitnessStateStore } from '../ports/witness-state-store.js';

/** What a witness is: its name and key, the logs it witnesses, where it keeps their state. */
export type Witness = {
  /** The cosignature/v1 line of a checkpoint body at a time (domain/witness/cosignature.ts). */
  readonly cosign: (body: string, timestamp: number) => string;
  readonly logs: WitnessedLogs;
  readonly store: WitnessStateStore;
  /** POSIX seconds now: the cosignature's timestamp. */
  readonly nowSeconds: () => number;
};

/** C2SP tlog-witness add-checkpoint: the body checked against the state held for its origin; a
 * checkpoint accepted is persisted (durably) before its cosignature line is returned. */
export const addCheckpoint = async (
  witness: Witness,
  body: Uint8Array,
): Promise<E.Either<AddCheckpointRefusal, string>> => {
  const request = parseAddCheckpointRequest(body);
  if (E.isLeft(request)) return E.left({ status: 400, message: request.left });
  return witness.store.exclusive(async () => {
    const held = await witness.store.read(checkpointOrigin(request.right));
    const decided = decideAddCheckpoint(request.right, witness.logs, held);
    if (E.isLeft(decided)) return decided;
    await witness.store.write(decided.right.state);
    return E.right(witness.cosign(decided.right.body, witness.nowSeconds()));
  });
};
