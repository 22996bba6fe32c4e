import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isAlive } from './process-alive.js';

/** A lease says "process <pid> is using the embedded server"; its file name is `<pid>-<nonce>`. */
export type Lease = { readonly file: string; readonly pid: number };

export const takeLease = async (directory: string): Promise<Lease> => {
  await mkdir(directory, { recursive: true });
  const file = join(directory, `${process.pid}-${randomBytes(4).toString('hex')}`);
  await writeFile(file, new Date().toISOString());
  return { file, pid: process.pid };
};

export const dropLease = (lease: Lease): Promise<void> => rm(lease.file, { force: true });

/** The leases of live processes; those of processes that died without releasing are removed. */
export const liveLeases = async (directory: string): Promise<Lease[]> => {
  const names = await readdir(directory).catch(() => [] as string[]);
  const live: Lease[] = [];
  for (const name of names) {
    const pid = Number.parseInt(name.split('-')[0] ?? '', 10);
    const lease = { file: join(directory, name), pid };
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) live.push(lease);
    else await dropLease(lease);
  }
  return live;
};
