import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/support/slow-first-sequencer.js';

/** Unit files that replace a module with vi.mock: each keeps a process and a module graph of its own. */
const MOCKING_UNIT_FILES = ['test/bundle/bundle-tamper.unit.spec.ts'];

/** The suite, with the global set-up of its system project (the build, then the Postgres). */
export const suiteConfig = (globalSetup: readonly string[]) =>
  defineConfig({
    test: {
      testTimeout: 60_000,
      hookTimeout: 120_000,
      // Vitest's default is one worker less than the cores: one worker on a 2-core machine. The files
      // mostly wait on subprocesses and Postgres, so every core gets a worker (each file has its own
      // database): on 2 cores the suite took 526 s with one worker, 345 s with two.
      maxWorkers: Math.max(2, availableParallelism()),
      // The longest files first, estimated on a fresh clone (test/support/slow-first-sequencer.ts).
      sequence: { sequencer: SlowFirstSequencer },
      // Each project takes the options above (extends: true): the timeouts above all.
      projects: [
        {
          extends: true,
          // The pure unit files (no database, no process): in worker threads that each load a module
          // once for all the files they run (isolate: false), without the build or the database.
          test: {
            name: 'unit',
            include: ['test/**/*.unit.spec.ts'],
            exclude: MOCKING_UNIT_FILES,
            pool: 'threads',
            isolate: false,
          },
        },
        {
          extends: true,
          test: { name: 'unit-mocking', include: MOCKING_UNIT_FILES, pool: 'forks' },
        },
        {
          extends: true,
          // Every other file (.int and .e2e: the built CLI, the database): one Postgres and the build
          // for all, each file with a database of its own, in forks that each run many files (isolate:
          // false): a file's own state is its database, its temporary directories and its processes.
          test: {
            name: 'system',
            include: ['test/**/*.spec.ts'],
            exclude: ['test/**/*.unit.spec.ts'],
            globalSetup: [...globalSetup],
            pool: 'forks',
            isolate: false,
          },
        },
      ],
    },
  });

export default suiteConfig(['test/support/global-build.ts', 'test/support/global-setup.ts']);
