import { readFileSync } from 'node:fs';
import type pg from 'pg';

// Linux reports a process's CPU times in clock ticks of USER_HZ, 100 per second on every
// architecture Node runs on (sysconf(_SC_CLK_TCK)).
const TICKS_PER_SECOND = 100;

/** CPU time (user + system, ms) a process has used so far, from /proc/<pid>/stat; null where that
 * cannot be read (a server on another machine). The command name in parentheses may hold spaces,
 * so fields are counted after its closing parenthesis: utime and stime are the 12th and 13th. */
export const processCpuMs = (pid: number): number | null => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
};

/** A meter of the CPU the server processes behind `clients` use (the bench's embedded Postgres runs
 * on this machine): call it before and after, the difference is their CPU in between, to 10 ms. */
export const backendCpuMeter = async (clients: readonly pg.Client[]): Promise<() => number | null> => {
  const pids = await Promise.all(
    clients.map(
      async (client) =>
        (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? -1,
    ),
  );
  return () => {
    let total = 0;
    for (const pid of pids) {
      const ms = processCpuMs(pid);
      if (ms === null) return null;
      total += ms;
    }
    return total;
  };
};
