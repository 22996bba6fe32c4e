import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/** The suite against an already built CLI (dist/): for loops that run a file many times
 * (test/e2e/crash-resume-loop.sh builds once, then uses this). Only the build step is left out. */
export default defineConfig({
  ...base,
  test: { ...base.test, globalSetup: ['test/support/global-setup.ts'] },
});
