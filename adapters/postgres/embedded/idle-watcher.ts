import { access, appendFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopServer } from './embedded-cluster.js';
import { type EmbeddedLayout, embeddedLayout } from './embedded-layout.js';
import { underLock } from './embedded-lock.js';
import { clearIdleState, readIdleState } from './idle-state.js';
import { postgresAccount } from './postgres-account.js';
import { livePostmaster } from './postmaster.js';
import { liveLeases } from './server-leases.js';
import { forgetServing } from './serving-state.js';

/** How often the watcher looks again while commands still use the server past its deadline (a
 * command that was killed leaves a lease that only its death ends). */
const BUSY_RECHECK_MS = 30_000;

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/** One look, under the lock: stops the server when nobody uses it and its idle deadline passed.
 * Resolves to how long to sleep before the next look, or null when there is nothing left to watch
 * (the server is down or pinned, or another watcher took over). */
const look = async (layout: EmbeddedLayout): Promise<number | null> => {
  const state = await readIdleState(layout);
  if (state === null || state.watcher !== process.pid) return null;
  if ((await exists(layout.pinnedFile)) || (await livePostmaster(layout)) === null) {
    await clearIdleState(layout);
    return null;
  }
  const left = Date.parse(state.until) - Date.now();
  if ((await liveLeases(layout.leases)).length > 0) return Math.max(left, BUSY_RECHECK_MS);
  if (left > 0) return left;
  await stopServer(layout, await postgresAccount());
  await clearIdleState(layout);
  await forgetServing(layout);
  return null;
};

/** The idle watcher's life (dist/bin/aos-db-idle.cjs, started detached by the command that left the
 * server idle): sleeps until the recorded deadline, looks, and sleeps again if a later command moved
 * the deadline, until it stops the server or has nothing left to watch. Failures go to its log. */
export const watchIdleServer = async (home: string): Promise<void> => {
  const layout = embeddedLayout(home);
  try {
    for (;;) {
      // A removed AOS_HOME is not created again (the lock would make it).
      if (!(await exists(layout.root))) return;
      const wait = await underLock(home, look);
      if (wait === null) return;
      await sleep(wait);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await appendFile(layout.watcherLog, `${new Date().toISOString()} ${message}\n`).catch(() => undefined);
    process.exitCode = 1;
  }
};
