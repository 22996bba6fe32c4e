import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli } from './cli.js';

const run = promisify(execFile);

/** AOS_HOMEs whose embedded cluster already exists, initialised and migrated, its server stopped:
 * for the tests of what a command does with an existing cluster (leases, exit codes, the idle
 * server), which paid initdb and the migrations in every home they made. The first home is made by
 * the built CLI (`aos-int migrate`), once per test file; each one handed out is a copy of it made
 * with `cp -a`, which keeps the postgres account's ownership and the modes of the data directory.
 * The tests of a first use (creating, migrating, racing to create) still start from an empty home. */
export const preparedHomes = (prefix: string) => {
  let original: Promise<string> | undefined;
  const made: string[] = [];
  const directory = async () => {
    const home = await mkdtemp(join(tmpdir(), prefix));
    await chmod(home, 0o755); // the postgres account must pass through it
    made.push(home);
    return home;
  };
  const prepare = async (): Promise<string> => {
    const home = await directory();
    const migrated = await runCli('aos-int', ['migrate', '--json'], { AOS_HOME: home });
    if (migrated.code !== 0) throw new Error(`preparing an AOS_HOME failed: ${migrated.stderr}`);
    return home;
  };
  return {
    /** A new, empty AOS_HOME. */
    empty: directory,
    /** A new AOS_HOME holding a copy of the prepared cluster (no server running). */
    prepared: async (): Promise<string> => {
      original ??= prepare();
      const home = await directory();
      await run('cp', ['-a', `${await original}/.`, home]);
      return home;
    },
    /** Every home handed out (for the tests' `aos db stop` at the end) and the original. */
    all: (): readonly string[] => made,
    removeAll: () => Promise.all(made.map((home) => rm(home, { recursive: true, force: true }))),
  };
};
