import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EmbeddedLayout } from './embedded-layout.js';
import { isAlive } from './process-alive.js';

/** The postmaster of the cluster, as its postmaster.pid says: its pid (first line) and port (fourth). */
export type Postmaster = { readonly pid: number; readonly port: number };

/** The postmaster whose pid file is in the data directory, when that process is alive: what
 * `pg_ctl status` checks, without starting a process (a warm command's fast path). A stale file
 * whose pid was taken by another process passes; connecting with the cluster's password then fails
 * and the command takes the slow path. */
export const livePostmaster = async (layout: EmbeddedLayout): Promise<Postmaster | null> => {
  const text = await readFile(join(layout.data, 'postmaster.pid'), 'utf8').catch(() => '');
  const lines = text.split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return null;
  return isAlive(pid) ? { pid, port } : null;
};
