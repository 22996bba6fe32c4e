import { readFile, rm } from 'node:fs/promises';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import writeFileAtomic from 'write-file-atomic';
import type { EmbeddedLayout } from './embedded-layout.js';

/** AOS_HOME/pg/idle.json: when the server, left idle by its last command, is to stop, and the pid of
 * the watcher process that stops it then. Read and written under the AOS_HOME lock only. */
const IdleStateCodec = t.type({ until: t.string, watcher: t.union([t.number, t.null]) });
export type IdleState = t.TypeOf<typeof IdleStateCodec>;

/** The recorded state; null when there is none or it cannot be read (the server then has no
 * deadline, and the next command to leave it idle records one). */
export const readIdleState = async (layout: EmbeddedLayout): Promise<IdleState | null> => {
  const text = await readFile(layout.idleFile, 'utf8').catch(() => null);
  if (text === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  const decoded = IdleStateCodec.decode(parsed);
  return E.isRight(decoded) && !Number.isNaN(Date.parse(decoded.right.until)) ? decoded.right : null;
};

export const writeIdleState = (layout: EmbeddedLayout, state: IdleState): Promise<void> =>
  writeFileAtomic(layout.idleFile, `${JSON.stringify(state)}\n`);

export const clearIdleState = (layout: EmbeddedLayout): Promise<void> => rm(layout.idleFile, { force: true });
