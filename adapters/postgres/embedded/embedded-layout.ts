import { join } from 'node:path';

/** The files of the embedded server under AOS_HOME/pg. */
export type EmbeddedLayout = {
  /** AOS_HOME/pg: owned by the invoking user. */
  readonly root: string;
  /** The cluster, owned by the account the server runs as, mode 0700. */
  readonly data: string;
  /** {"port": n} of the running server, written when it starts. */
  readonly serverFile: string;
  /** The superuser password, mode 0600. */
  readonly passwordFile: string;
  readonly logFile: string;
  /** One file per process using the server; the last one out stops it. */
  readonly leases: string;
  /** Present while `aos db start` asked the server to stay up. */
  readonly pinnedFile: string;
  /** {"until": ISO time, "watcher": pid}: when the idle server stops, and the process that stops it. */
  readonly idleFile: string;
  /** What the idle watcher reports when it fails (it has no terminal). */
  readonly watcherLog: string;
  /** The inter-process lock that serializes start, stop and lease changes. */
  readonly lockFile: string;
};

export const embeddedLayout = (home: string): EmbeddedLayout => {
  const root = join(home, 'pg');
  return {
    root,
    data: join(root, 'data'),
    serverFile: join(root, 'server.json'),
    passwordFile: join(root, 'password'),
    logFile: join(root, 'server.log'),
    leases: join(root, 'leases'),
    pinnedFile: join(root, 'pinned'),
    idleFile: join(root, 'idle.json'),
    watcherLog: join(root, 'idle-watcher.log'),
    lockFile: join(root, 'lock'),
  };
};

export const DATABASE_NAME = 'aos';
export const SUPERUSER = 'postgres';
