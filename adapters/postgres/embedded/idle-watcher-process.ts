import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isAlive } from './process-alive.js';

/** The bundled watcher (scripts/bundle-cli.mjs builds it beside the CLIs in dist/bin). */
const WATCHER_BUNDLE = 'aos-db-idle.cjs';

/** Where the watcher is: beside the bundled CLI (dist/bin), or in dist/bin from dist/adapters/…
 * (tsc's output) or from the sources. Null when the package was not built. */
const watcherScript = (): string | null => {
  for (const relative of ['./', '../../../bin/', '../../../dist/bin/']) {
    const candidate = fileURLToPath(new URL(`${relative}${WATCHER_BUNDLE}`, import.meta.url));
    if (existsSync(candidate)) return candidate;
  }
  return null;
};

/** Whether /proc says `pid` runs the watcher: true or false, or null where there is no /proc. */
const runsWatcher = (pid: number): boolean | null => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(WATCHER_BUNDLE);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' && existsSync('/proc/self') ? false : null;
  }
};

/** Whether the recorded watcher still runs (where /proc cannot tell, a live pid is taken for it). */
export const watcherRunning = (pid: number): boolean => isAlive(pid) && runsWatcher(pid) !== false;

/** Starts a watcher for the server under `home`, detached (it outlives this command, in no
 * terminal's process group, holding no directory). Null when the package holds no watcher. */
export const startWatcher = (home: string): number | null => {
  const script = watcherScript();
  if (script === null) return null;
  const child = spawn(process.execPath, [script, home], { detached: true, stdio: 'ignore', cwd: '/' });
  child.unref();
  return child.pid ?? null;
};

/** Ends the recorded watcher when the server was stopped otherwise (`aos db stop`, the last
 * command of AOS_DB_IDLE_SECONDS=0). Only a process /proc shows to be the watcher is signalled;
 * elsewhere the watcher finds the server stopped when it wakes, and exits. */
export const endWatcher = (pid: number | null): void => {
  if (pid === null || pid === process.pid || runsWatcher(pid) !== true) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // It ended meanwhile.
  }
};
