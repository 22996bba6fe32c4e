import { readFile, readdir } from 'node:fs/promises';

/** Pids of live processes whose command line mentions `path` (a postgres server on that data
 * directory shows it after -D). Read from /proc, so it needs no procps. */
export const processesMentioning = async (path: string): Promise<number[]> => {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').some((arg) => arg.includes(path)) && Number(entry) !== process.pid)
      pids.push(Number(entry));
  }
  return pids;
};
