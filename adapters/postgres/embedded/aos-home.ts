import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import envPaths from 'env-paths';

/** Where the embedded database lives when AOS_HOME is not set: the user's state directory
 * (XDG_STATE_HOME), or /var/lib/aos-runproof for root, whose home the postgres account cannot
 * reach. */
export const defaultAosHome = (): string =>
  process.getuid?.() === 0 ? '/var/lib/aos-runproof' : envPaths('aos-runproof', { suffix: '' }).log;

/** AOS_HOME (made absolute and created, mode 0755 so the postgres account can pass through). */
export const ensureAosHome = async (home: string | undefined): Promise<string> => {
  const directory = resolve(home !== undefined && home !== '' ? home : defaultAosHome());
  try {
    await makeDirectory(directory);
  } catch (error) {
    throw new Error(`AOS_HOME ${directory} cannot be created: ${(error as Error).message}`);
  }
  return directory;
};

/** mkdir -p, one level at a time (Node's recursive mkdir loops forever under /proc). */
const makeDirectory = async (directory: string): Promise<void> => {
  const found = await stat(directory).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (found !== undefined) {
    if (!found.isDirectory()) throw new Error('it exists and is not a directory');
    return;
  }
  const parent = dirname(directory);
  if (parent !== directory) await makeDirectory(parent);
  await mkdir(directory, { mode: 0o755 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
};
