import * as E from 'fp-ts/lib/Either.js';
import type { HeadId, LedgerHeads, LedgerHeadsError } from '../ports/ledger-heads.js';

/** The cosignatures kept for a head that still stand: each by a witness that has cosigned no larger
 * head of the ledger since (a cosignature/v1 says "the largest head I have seen"; after a rollback
 * to this head, the witnesses hold a larger one, and their old cosignatures are not shown as if
 * they vouched for the ledger as it is now). */
export const standingCosignatures = async (
  heads: LedgerHeads,
  head: HeadId,
): Promise<E.Either<LedgerHeadsError, ReadonlyMap<string, string>>> => {
  const found = await heads.find(head)();
  if (E.isLeft(found)) return found;
  const standing = new Map<string, string>();
  for (const [witness, line] of found.right?.cosignatures ?? []) {
    const last = await heads.lastCosignedSize(head.tenant_id, witness)();
    if (E.isLeft(last)) return last;
    if (last.right <= head.tree_size) standing.set(witness, line);
  }
  return E.right(standing);
};

/** The tree head note with the standing cosignature lines of that size and root (C2SP:
 * cosignatures are further signature lines of the same note); the note alone when none stand or
 * there are no kept heads (`heads` null). */
export const cosignedNote = async (
  heads: LedgerHeads | null,
  head: HeadId,
  note: string,
): Promise<E.Either<LedgerHeadsError, string>> => {
  if (heads === null) return E.right(note);
  const standing = await standingCosignatures(heads, head);
  if (E.isLeft(standing)) return standing;
  return E.right(`${note}${[...standing.right.values()].map((line) => `${line}\n`).join('')}`);
};
