import { performance } from 'node:perf_hooks';
import type { Clock } from '../domain/ports/clock.js';

export const systemClock: Clock = {
  now: () => new Date().toISOString(),
  monotonicMs: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
