import { readFile } from 'node:fs/promises';
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';

/** A small JSON state file of AOS_HOME/pg (idle.json, serving.json) decoded by `codec`; null when it
 * is missing, not JSON or not of that shape: each of them is a hint that its reader does without. */
export const readStateFile = async <A>(path: string, codec: t.Decoder<unknown, A>): Promise<A | null> => {
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  const decoded = codec.decode(parsed);
  return E.isRight(decoded) ? decoded.right : null;
};
