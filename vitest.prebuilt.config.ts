import { suiteConfig } from './vitest.config.js';

/** The suite against an already built CLI (dist/): for loops that run a file many times
 * (test/e2e/crash-resume-loop.sh builds once, then uses this). Only the build step is left out. */
export default suiteConfig(['test/support/global-setup.ts']);
