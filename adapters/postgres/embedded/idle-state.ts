import { rm } from 'node:fs/promises';
import * as t from 'io-ts';
import writeFileAtomic from 'write-file-atomic';
import type { EmbeddedLayout } from './embedded-layout.js';
import { readStateFile } from './state-file.js';

/** AOS_HOME/pg/idle.json: when the server, left idle by its last command, is to stop, and the pid of
 * the watcher process that stops it then. Read and written under the AOS_HOME lock only. */
const IdleStateCodec = t.type({ until: t.string, watcher: t.union([t.number, t.null]) });
export type IdleState = t.TypeOf<typeof IdleStateCodec>;

/** The recorded state; null when there is none or it cannot be read (the server then has no
 * deadline, and the next command to leave it idle records one). */
export const readIdleState = async (layout: EmbeddedLayout): Promise<IdleState | null> => {
  const state = await readStateFile(layout.idleFile, IdleStateCodec);
  return state !== null && !Number.isNaN(Date.parse(state.until)) ? state : null;
};

export const writeIdleState = (layout: EmbeddedLayout, state: IdleState): Promise<void> =>
  writeFileAtomic(layout.idleFile, `${JSON.stringify(state)}\n`);

export const clearIdleState = (layout: EmbeddedLayout): Promise<void> => rm(layout.idleFile, { force: true });
