import { access } from 'node:fs/promises';
import { isInitialised } from './embedded-cluster.js';
import { DATABASE_NAME, SUPERUSER } from './embedded-layout.js';
import { underLock } from './embedded-lock.js';
import { readIdleState } from './idle-state.js';
import { livePostmaster } from './postmaster.js';
import { liveLeases } from './server-leases.js';

/** What `aos db status` shows. `connection_url` carries no password: it is in `password_file`. */
export type EmbeddedStatus = {
  readonly home: string;
  readonly data_directory: string;
  readonly initialised: boolean;
  readonly running: boolean;
  readonly pid: number | null;
  readonly port: number | null;
  readonly pinned: boolean;
  readonly users: number;
  /** When the idle server stops (null: not running, pinned, or no deadline recorded). */
  readonly idle_until: string | null;
  readonly database: string;
  readonly user: string;
  readonly connection_url: string | null;
  readonly password_file: string;
  readonly log_file: string;
};

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

export const embeddedServerStatus = async (options: {
  readonly home: string | undefined;
}): Promise<EmbeddedStatus> =>
  underLock(options.home, async (layout, home) => {
    const postmaster = await livePostmaster(layout);
    const pinned = await exists(layout.pinnedFile);
    const idle = postmaster === null || pinned ? null : await readIdleState(layout);
    return {
      home,
      data_directory: layout.data,
      initialised: await isInitialised(layout),
      running: postmaster !== null,
      pid: postmaster?.pid ?? null,
      port: postmaster?.port ?? null,
      pinned,
      users: (await liveLeases(layout.leases)).length,
      idle_until: idle?.until ?? null,
      database: DATABASE_NAME,
      user: SUPERUSER,
      connection_url:
        postmaster === null ? null : `postgres://${SUPERUSER}@127.0.0.1:${postmaster.port}/${DATABASE_NAME}`,
      password_file: layout.passwordFile,
      log_file: layout.logFile,
    };
  });
