import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as O from 'fp-ts/lib/Option.js';
import { describeDecodeErrors } from '../json/decode-error.js';
import type { StoredEvent } from '../ports/event-store.js';
import { leafHashOfBytes } from '../proof/leaf.js';
import { merkleTreeHash } from '../proof/merkle-tree.js';
import type { Hash } from '../proof/sha256.js';
import { decodeRunSealed } from './ledger-events.js';
import { RUN_SEALED, checkpointBytes, type RunCheckpoint } from './run-checkpoint.js';

/** One seal in a tenant's ledger; `index` is its leaf index (the ledger stream's seq). */
export type LedgerEntry = {
  readonly index: number;
  readonly checkpoint: RunCheckpoint;
  readonly signature: string;
};

export type LedgerDecodeError = {
  readonly kind: 'ledger_event_invalid';
  readonly seq: number;
  readonly message: string;
};

/** The ledger stream's events as seals, refusing a gap in seq or an event that is not a valid seal.
 * `firstSeq` is the seq of the first event given (a page read from the middle of the ledger). */
export const decodeLedger = (
  events: readonly StoredEvent[],
  firstSeq = 0,
): E.Either<LedgerDecodeError, LedgerEntry[]> => {
  const entries: LedgerEntry[] = [];
  for (const [i, event] of events.entries()) {
    const seq = firstSeq + i;
    if (event.seq !== seq)
      return E.left({
        kind: 'ledger_event_invalid',
        seq,
        message: `expected seq ${seq}, found ${event.seq}`,
      });
    if (event.type !== RUN_SEALED)
      return E.left({ kind: 'ledger_event_invalid', seq, message: `unexpected event type ${event.type}` });
    const decoded = decodeRunSealed(event.data);
    if (E.isLeft(decoded))
      return E.left({
        kind: 'ledger_event_invalid',
        seq,
        message: describeDecodeErrors(decoded.left).join('; '),
      });
    entries.push({ index: seq, checkpoint: decoded.right.checkpoint, signature: decoded.right.signature });
  }
  return E.right(entries);
};

/** The seal of `runId` in this ledger event, or undefined (another run's seal, or not a valid seal). */
export const sealOfRunIn = (event: StoredEvent | undefined, runId: string): LedgerEntry | undefined => {
  if (event?.type !== RUN_SEALED) return undefined;
  return pipe(
    O.fromEither(decodeRunSealed(event.data)),
    O.filter((sealed) => sealed.checkpoint.run_id === runId),
    O.map(({ checkpoint, signature }) => ({ index: event.seq, checkpoint, signature })),
    O.toUndefined,
  );
};

/** Seals by run id; the first seal of a run wins. (Callers seal a run after finding no seal; on
 * Postgres a unique index refuses a second one appended in a race.) */
export type TenantLedgerIndex = ReadonlyMap<string, LedgerEntry>;

export const indexLedger = (entries: readonly LedgerEntry[]): TenantLedgerIndex => {
  const index = new Map<string, LedgerEntry>();
  for (const entry of entries)
    if (!index.has(entry.checkpoint.run_id)) index.set(entry.checkpoint.run_id, entry);
  return index;
};

/** The ledger's Merkle leaves: H(0x00 || JCS(checkpoint)), in ledger order. */
export const ledgerLeaves = (entries: readonly LedgerEntry[]): Hash[] =>
  entries.map((e) => leafHashOfBytes(checkpointBytes(e.checkpoint)));

export const ledgerRoot = (entries: readonly LedgerEntry[]): Hash => merkleTreeHash(ledgerLeaves(entries));
