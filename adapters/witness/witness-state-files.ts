import { createHash } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Mutex } from 'async-mutex';
import * as E from 'fp-ts/lib/Either.js';
import writeFileAtomic from 'write-file-atomic';
import type { WitnessStateStore } from '../../application/ports/witness-state-store.js';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import { WitnessStateC, type WitnessState } from '../../domain/witness/witness-state.js';

/** One file per log in the witness's state directory, named by the SHA-256 of its origin. */
const stateFile = (directory: string, origin: string): string =>
  join(directory, `${createHash('sha256').update(origin, 'utf8').digest('hex')}.json`);

/** Makes a rename durable: the directory entry itself synced. */
const syncDirectory = async (directory: string): Promise<void> => {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
};

const readState = async (directory: string, origin: string): Promise<WitnessState | null> => {
  const path = stateFile(directory, origin);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const decoded = WitnessStateC.decode(JSON.parse(text));
  if (E.isLeft(decoded))
    throw new Error(`${path} is not a witness state: ${describeDecodeErrors(decoded.left).join('; ')}`);
  return decoded.right;
};

/** The witness's state directory (created mode 0700 if absent): each state written to a temporary
 * file, synced, renamed into place, the directory synced; one request at a time. */
export const openWitnessStateFiles = async (directory: string): Promise<WitnessStateStore> => {
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const mutex = new Mutex();
  return {
    read: (origin) => readState(directory, origin),
    write: async (state) => {
      await writeFileAtomic(stateFile(directory, state.origin), `${JSON.stringify(state)}\n`, {
        fsync: true,
        mode: 0o600,
      });
      await syncDirectory(directory);
    },
    exclusive: (work) => mutex.runExclusive(work),
  };
};
