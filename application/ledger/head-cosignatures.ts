import * as E from 'fp-ts/lib/Either.js';
import type { HeadId, LedgerHeads, LedgerHeadsError } from '../ports/ledger-heads.js';

/** The tree head note with the cosignature lines its witnesses answered for that size and root
 * (C2SP: cosignatures are further signature lines of the same note); the note alone when no head
 * of that size and root was sent to witnesses, or there are none (`heads` null). */
export const cosignedNote = async (
  heads: LedgerHeads | null,
  head: HeadId,
  note: string,
): Promise<E.Either<LedgerHeadsError, string>> => {
  if (heads === null) return E.right(note);
  const found = await heads.find(head)();
  if (E.isLeft(found)) return found;
  const lines = found.right === null ? [] : [...found.right.cosignatures.values()];
  return E.right(`${note}${lines.map((line) => `${line}\n`).join('')}`);
};
