import { chmod, mkdir } from 'node:fs/promises';
import lockfile from 'proper-lockfile';
import { ensureAosHome } from './aos-home.js';
import { type EmbeddedLayout, embeddedLayout } from './embedded-layout.js';

/** Runs `work` holding the inter-process lock of this AOS_HOME (waits up to ~2 minutes for it):
 * start, stop, leases and the idle deadline change only under it, so commands starting at once
 * never both initialise or start the server, and the idle watcher never stops it under a command. */
export const underLock = async <T>(
  home: string | undefined,
  work: (layout: EmbeddedLayout, home: string) => Promise<T>,
): Promise<T> => {
  const directory = await ensureAosHome(home);
  const layout = embeddedLayout(directory);
  await mkdir(layout.root, { recursive: true, mode: 0o755 });
  await chmod(layout.root, 0o755);
  let compromised: Error | undefined;
  const unlock = await lockfile.lock(layout.root, {
    lockfilePath: layout.lockFile,
    realpath: false,
    stale: 20_000,
    retries: { retries: 240, factor: 1.2, minTimeout: 25, maxTimeout: 500 },
    onCompromised: (error) => {
      compromised = error;
    },
  });
  try {
    const result = await work(layout, directory);
    if (compromised) throw new Error(`lost the lock on ${layout.root}: ${compromised.message}`);
    return result;
  } finally {
    await unlock().catch(() => undefined);
  }
};
