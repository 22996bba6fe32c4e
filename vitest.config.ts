import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/support/slow-first-sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.spec.ts'],
    globalSetup: ['test/support/global-build.ts', 'test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default is one worker less than the cores: one worker on a 2-core machine. The files
    // mostly wait on subprocesses and Postgres, so every core gets a worker (each file has its own
    // database): on 2 cores the suite took 526 s with one worker, 345 s with two.
    maxWorkers: Math.max(2, availableParallelism()),
    // The longest files first, estimated on a fresh clone (test/support/slow-first-sequencer.ts).
    sequence: { sequencer: SlowFirstSequencer },
  },
});
